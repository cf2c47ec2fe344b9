import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyReadiness, watchPolicy } from '../../src/policy/watch.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { fixturePalisade } from '../helpers/fixtures.js';
import { stubAuthenticator, testPki } from '../transport/http-fixtures.js';
import { raw } from '../transport/raw.js';

const closers: (() => unknown)[] = [];
afterAll(async () => { for (const c of closers) await c(); });

describe('/readyz shows the policy in force', () => {
  it('ready with the version; after a bad file, still ready, the reload marked refused, no path or reason leaked', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pal-ready-')), 'policy.yaml');
    writeFileSync(file, '- { rule: a, when: { tool: x }, decision: deny }\n');
    const watcher = watchPolicy(file, { intervalMs: 20 });
    closers.push(() => watcher.close());
    const pki = await testPki('readyz');
    const { palisade } = await fixturePalisade();
    const edge: HttpEdge = await startHttpServer({
      palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0,
      tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
      readyDetails: () => ({ policy: policyReadiness(watcher.status()) }),
    });
    closers.push(() => edge.close());
    const get = async () => raw(edge.url, pki.ca.cert, { method: 'GET', path: '/readyz' });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.json()).toMatchObject({ status: 'ready', details: { policy: { ok: true, rules: 1, version: watcher.status().version.slice(0, 12) } } });
    writeFileSync(file, '- { rule: a, when: { tool: x }, decision: nope }\n');
    await expect.poll(() => watcher.status().ok, { timeout: 5000, interval: 20 }).toBe(false);
    const after = await get();
    expect(after.status).toBe(200);
    expect(after.json()).toMatchObject({ details: { policy: { ok: false, reload: 'refused; the previous policy is in force' } } });
    expect(after.body).not.toContain('policy.yaml');
  });
});
