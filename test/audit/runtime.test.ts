import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAuditIntent } from '../../src/audit/recorder.js';
import { verifyPath } from '../../src/audit/verify.js';
import { openAuditLog } from '../../src/audit/writer.js';
import { loadConfig } from '../../src/config/load.js';
import { createPalisade } from '../../src/palisade.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, DEV_PRINCIPAL } from '../../src/runtime.js';
import { alice, codeOf, fixtureTools } from '../helpers/fixtures.js';
import { lines, newSigner, tempRoot } from './helpers.js';

let receiver: Server;
const exported: string[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => { exported.push(Buffer.concat(parts).toString('utf8')); res.writeHead(200).end('{}'); });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

function configFile(extra: string): { file: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pal-rt-audit-'));
  const file = join(dir, 'palisade.yaml');
  writeFileSync(file, `server: { data_dir: ./data }\nstate: { backend: memory }\n${extra}`);
  return { file, dataDir: join(dir, 'data') };
}

describe('runtime: audit.* and telemetry.* act', () => {
  it('every call leaves an audit record keyed by its trace id; write tools an intent record first; spans go to the OTLP endpoint', async () => {
    const port = (receiver.address() as { port: number }).port;
    const { file, dataDir } = configFile(`audit: { checkpoint_every: 3, checkpoint_seconds: 1, fsync: always }\ntelemetry: { exporter: otlp, otlp: { endpoint: "http://127.0.0.1:${port}/v1/traces" }, service_name: rt-test }\n`);
    const loaded = loadConfig({ file, env: {} });
    const env = { PALISADE_INSTANCE_ID: 'rt-1' };
    const rt = await createRuntime(loaded, { env, logger: createLogger('silent') });
    const rt2 = await createRuntime(loaded, { env, logger: createLogger('silent') }); // same host, same data dir: its own chain
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const set = await rt.palisade.call(DEV_PRINCIPAL, 'flag.set', { name: 'checkout_v2', env: 'dev', rolloutPct: 5, idemKey: crypto.randomUUID() }, { meta: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(set.isError).toBeFalsy();
    const denied = await rt.palisade.call(DEV_PRINCIPAL, 'flag.set', { name: 'checkout_v2', env: 'dev', rolloutPct: 5 });
    expect(codeOf(denied)).toBe('IDEMPOTENCY_KEY_REQUIRED');
    await rt2.palisade.call(DEV_PRINCIPAL, 'orders.get', { orderId: 'A-1001' });
    await rt.close();
    await rt2.close();

    const recs = lines(join(dataDir, 'audit', 'rt-1', '000001.jsonl')).map((l) => JSON.parse(l));
    const mine = recs.filter((r) => r.traceId === traceId);
    expect(mine.map((r) => r.kind)).toEqual(['intent', 'call']);
    expect(mine[0].argsHmac).toBe(mine[1].argsHmac);
    expect(mine[1]).toMatchObject({ decision: 'allow', tool: 'flag.set', tenant: 'acme', actor: { id: 'agent:dev', type: 'agent' } });
    expect(recs.find((r) => r.code === 'IDEMPOTENCY_KEY_REQUIRED')).toMatchObject({ kind: 'call', decision: 'deny', stage: 'idempotency' });
    expect(recs.filter((r) => r.kind === 'intent')).toHaveLength(1); // a denied write never reached its handler
    // checkpoint_every: 3 acts
    expect(recs.filter((r) => r.kind === 'checkpoint').length).toBeGreaterThanOrEqual(2);
    const reports = verifyPath(join(dataDir, 'audit'));
    expect(reports.map((r) => [r.instance, r.ok])).toEqual([['rt-1', true], ['rt-1-2', true]]);
    expect(exported.join('\n')).toContain('mcp.tool.invoke');
    expect(exported.join('\n')).toContain('rt-test');
    expect(exported.join('\n')).toContain(traceId);
    // the reference tools' backend calls are service.api.call spans
    expect(exported.join('\n')).toContain('service.api.call');
    expect(exported.join('\n')).toContain('flags.store.apply');
  });

  it('telemetry.exporter: none adds no observer (no spans, no cost)', async () => {
    const { file } = configFile('');
    const rt = await createRuntime(loadConfig({ file, env: {} }), { env: { PALISADE_INSTANCE_ID: 'rt-none' }, logger: createLogger('silent') });
    const before = exported.length;
    await rt.palisade.call(DEV_PRINCIPAL, 'orders.get', { orderId: 'A-1001' });
    await rt.close();
    expect(exported.length).toBe(before);
  });
});

describe('fail closed: a write that could not be audited does not happen', () => {
  it('intent write fails -> INTERNAL_ERROR, handler never ran; read tools unaffected', async () => {
    let broken = false;
    const log = openAuditLog({
      dir: join(tempRoot(), 'n'), instance: 'n', signer: newSigner(), onError: () => {},
      write: (fd, data, off) => { if (broken) throw new Error('EIO'); return (require('node:fs') as typeof import('node:fs')).writeSync(fd, data, off); },
    });
    const { tools, counter } = fixtureTools();
    const palisade = await createPalisade({ tools: tools.map((t) => withAuditIntent(t, log, { hmacKey: Buffer.alloc(32) })), env: {} });
    const args = () => ({ name: 'beta', env: 'dev', pct: 5, idemKey: crypto.randomUUID() });
    expect((await palisade.call(alice, 'switch.set', args())).isError).toBeFalsy();
    expect(counter.writes).toBe(1);
    broken = true;
    const r = await palisade.call(alice, 'switch.set', args());
    expect(codeOf(r)).toBe('INTERNAL_ERROR');
    expect(counter.writes).toBe(1);
    expect((await palisade.call(alice, 'demo.echo', { message: 'x' })).isError).toBeFalsy();
    await log.close().catch(() => {});
  });
});
