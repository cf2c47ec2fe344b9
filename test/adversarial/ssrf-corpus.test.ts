import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressClient } from '../../src/egress/index.js';
import { startServer, tableResolver, type TestServer } from '../egress/servers.js';
import { PUBLIC, REDIRECTOR, SSRF_CORPUS, type SsrfCase } from './ssrf-corpus.js';

let redirector: TestServer;
let canary: TestServer;

/** The case URL, with redirect cases pointed at the loopback redirector. */
export function caseUrl(c: SsrfCase, redirectorPort: number): string {
  return c.redirects ? `http://redirector.test:${redirectorPort}/c/${c.id}/0` : c.url;
}

beforeAll(async () => {
  canary = await startServer(PUBLIC, (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('canary'); });
  redirector = await startServer(REDIRECTOR, (req, res) => {
    const m = /^\/c\/([^/]+)\/(\d+)$/.exec(req.url ?? '');
    const c = m ? SSRF_CORPUS.find((x) => x.id === m[1]) : undefined;
    const step = Number(m?.[2] ?? 0);
    const loc = c?.redirects?.[step];
    if (!c || loc === undefined) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('no'); return; }
    const next = `http://redirector.test:${redirector.port}/c/${c.id}/${step + 1}`;
    res.writeHead(302, { location: loc.replace('{next}', next), 'content-type': 'text/plain' });
    res.end();
  });
});
afterAll(async () => { await redirector.close(); await canary.close(); });

function clientFor(c: SsrfCase) {
  return createEgressClient({
    schemes: c.schemes ?? ['http', 'https'],
    ports: [redirector.port],
    allow: c.allow ?? [],
    blocked: () => new Set(c.block ?? []),
    resolver: tableResolver({ 'redirector.test': [REDIRECTOR], ...c.dns }),
    // Test-only: the redirector and the "public" canary are the only loopback addresses reachable.
    testAllowLoopback: [`${REDIRECTOR}/32`, `${PUBLIC}/32`],
    timeoutMs: 4000,
  });
}

describe('SSRF corpus', () => {
  it('has at least 40 cases with unique ids', () => {
    expect(SSRF_CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(SSRF_CORPUS.map((c) => c.id)).size).toBe(SSRF_CORPUS.length);
  });

  it.each(SSRF_CORPUS.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const r = await clientFor(c).fetch(caseUrl(c, redirector.port));
    expect(r.ok ? 'ALLOWED' : r.code).toBe(c.expect);
    if (c.redirects && !r.ok) expect(r.hop).toBeGreaterThan(0);
  });

  it('never reached the public stand-in', () => {
    expect(canary.hits).toEqual([]);
  });
});
