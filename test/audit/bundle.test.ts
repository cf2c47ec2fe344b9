import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportBundle, ExportError, verifyBundle, type Bundle } from '../../src/audit/bundle.js';
import { publicKeyFrom } from '../../src/audit/keys.js';
import { openAuditLog } from '../../src/audit/writer.js';
import { call, newSigner, tempRoot, writeChain } from './helpers.js';

const verdicts = (b: unknown, anchors?: Parameters<typeof verifyBundle>[1]) =>
  verifyBundle(b, anchors).map((r) => ({ ok: r.ok, seq: r.problem?.seq, reason: r.problem?.reason }));

describe('audit evidence bundle', () => {
  it('exports a trace from two chains and verifies offline', async () => {
    const root = tempRoot();
    const a = newSigner();
    await writeChain(root, 1000, { instance: 'node-a', signer: a });
    await writeChain(root, 300, { instance: 'node-b' });
    const bundle = exportBundle(root, 'trace-7');
    expect(bundle.chains.map((c) => c.instance)).toEqual(['node-a', 'node-b']);
    // compact: from the signed record before the first hit to the checkpoint after the last one
    expect(bundle.chains[0]!.lines.length).toBeLessThan(1200);
    expect(verdicts(JSON.parse(JSON.stringify(bundle)))).toEqual([{ ok: true }, { ok: true }].map((x) => ({ ...x, seq: undefined, reason: undefined })));
    const pinned = verifyBundle(bundle, { anchors: [publicKeyFrom(a.publicKey.export({ type: 'spki', format: 'pem' }).toString())] });
    expect(pinned.map((r) => r.ok)).toEqual([true, false]);
    expect(pinned[1]!.problem?.reason).toBe('untrusted-key');
  });

  it('a tampered bundle fails at the exact seq', async () => {
    const root = tempRoot();
    await writeChain(root, 400);
    const bundle = exportBundle(root, 'trace-3') as { -readonly [K in keyof Bundle]: Bundle[K] } & { chains: { lines: string[] }[] };
    const lines = bundle.chains[0]!.lines;
    const i = lines.findIndex((l) => l.includes('"traceId":"trace-3"'));
    const seq = JSON.parse(lines[i]!).seq as number;
    lines[i] = lines[i]!.replace('"decision":"allow"', '"decision":"deny"').replace('"decision":"deny","code"', '"decision":"allow","code"');
    expect(verdicts(bundle)[0]).toEqual({ ok: false, seq, reason: 'hash-mismatch' });
    lines.splice(i, 1);
    expect(verdicts(bundle)[0]).toMatchObject({ ok: false, seq, reason: 'gap' });
  });

  it('a bundle cut before its closing checkpoint, or not starting at a signed record, fails', async () => {
    const root = tempRoot();
    await writeChain(root, 400);
    const b = exportBundle(root, 'trace-9');
    const cut = { ...b, chains: [{ ...b.chains[0]!, lines: b.chains[0]!.lines.slice(0, -1) }] };
    expect(verdicts(cut)[0]).toMatchObject({ ok: false, reason: 'unsigned-tail' });
    const headless = { ...b, chains: [{ ...b.chains[0]!, lines: b.chains[0]!.lines.slice(1) }] };
    expect(verdicts(headless)[0]).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verdicts({ format: 'nope' })[0]).toMatchObject({ ok: false, reason: 'unparsable' });
  });

  it('refuses a trace that is absent, or not yet covered by a checkpoint', async () => {
    const root = tempRoot();
    await writeChain(root, 10);
    expect(() => exportBundle(root, 'no-such-trace')).toThrow(ExportError);
    const log = openAuditLog({ dir: join(root, 'live'), instance: 'live', signer: newSigner(), checkpointEvery: 1000 });
    log.append(call(1, { traceId: 'fresh' }));
    log.flush();
    expect(() => exportBundle(root, 'fresh')).toThrow(/not covered by a checkpoint/);
    log.checkpoint();
    log.flush();
    expect(verifyBundle(exportBundle(root, 'fresh'))[0]!.ok).toBe(true);
    await log.close();
  });
});
