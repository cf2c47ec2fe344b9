import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicKeyFrom } from '../../src/audit/keys.js';
import { ChainBusyError } from '../../src/audit/lock.js';
import { listSegments } from '../../src/audit/segments.js';
import { verifyPath } from '../../src/audit/verify.js';
import { openAuditLog } from '../../src/audit/writer.js';
import { call, lines, newSigner, tempRoot, writeChain } from './helpers.js';

describe('audit chain: write and verify', () => {
  it('10,000 records over several segments verify intact', async () => {
    const root = tempRoot();
    const dir = await writeChain(root, 10_000, { segmentBytes: 256 * 1024 });
    expect(listSegments(dir).length).toBeGreaterThan(3);
    const [r] = verifyPath(root);
    expect(r).toMatchObject({ ok: true, instance: 'node-a' });
    // genesis + 10,000 calls + one checkpoint per 100 + the final checkpoint
    expect(r!.records).toBe(1 + 10_000 + 100 + 1);
    expect(statSync(join(dir, 'audit-public.pem')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'HEAD.json'), 'utf8')).line).toContain('"final":true');
  });

  it('checkpoints every N records and after T seconds', async () => {
    const root = tempRoot();
    let t = Date.parse('2026-11-25T12:00:00Z');
    const log = openAuditLog({ dir: join(root, 'a'), instance: 'a', signer: newSigner(), checkpointEvery: 10, checkpointSeconds: 1, now: () => t });
    for (let i = 0; i < 25; i++) log.append(call(i));
    log.flush();
    const kinds = lines(join(root, 'a', '000001.jsonl')).map((l) => JSON.parse(l).kind as string);
    expect(kinds.filter((k) => k === 'checkpoint')).toHaveLength(2);
    // five unsigned records: the timer signs them within checkpoint_seconds
    await new Promise((r) => setTimeout(r, 1300));
    const after = lines(join(root, 'a', '000001.jsonl')).map((l) => JSON.parse(l).kind as string);
    expect(after.at(-1)).toBe('checkpoint');
    t += 60_000;
    expect(verifyPath(root, { now: () => t })[0]!.ok).toBe(true);
    await log.close();
  });

  it('two instances keep two chains under one root, both verify', async () => {
    const root = tempRoot();
    const a = openAuditLog({ dir: join(root, 'node-a'), instance: 'node-a', signer: newSigner() });
    const b = openAuditLog({ dir: join(root, 'node-b'), instance: 'node-b', signer: newSigner() });
    for (let i = 0; i < 500; i++) (i % 2 ? a : b).append(call(i));
    await Promise.all([a.close(), b.close()]);
    const reports = verifyPath(root);
    expect(reports.map((r) => [r.instance, r.ok])).toEqual([['node-a', true], ['node-b', true]]);
  });

  it('one writer per chain: a second writer on the same folder is refused', async () => {
    const root = tempRoot();
    const a = openAuditLog({ dir: join(root, 'x'), instance: 'x', signer: newSigner() });
    expect(() => openAuditLog({ dir: join(root, 'x'), instance: 'x', signer: newSigner() })).toThrow(ChainBusyError);
    await a.close();
  });

  it('a restart resumes the chain with a signed resume record', async () => {
    const root = tempRoot();
    const signer = newSigner();
    await writeChain(root, 150, { signer });
    await writeChain(root, 150, { signer });
    const [r] = verifyPath(root);
    expect(r!.ok).toBe(true);
    expect(lines(join(root, 'node-a', '000001.jsonl')).some((l) => l.includes('"kind":"resume"'))).toBe(true);
  });

  it('refuses to continue a chain with another key (rotation needs the old key)', async () => {
    const root = tempRoot();
    await writeChain(root, 10);
    expect(() => openAuditLog({ dir: join(root, 'node-a'), instance: 'node-a', signer: newSigner() })).toThrow(/signed by key/);
  });

  it('a torn last line is reported as torn; after a restart the signed recovery record acknowledges it', async () => {
    const root = tempRoot();
    const signer = newSigner();
    const dir = await writeChain(root, 30, { signer });
    const seg = join(dir, '000001.jsonl');
    const next = lines(seg).length; // the torn record would have had this seq
    appendFileSync(seg, '{"v":1,"kind":"call","seq":');
    const [torn] = verifyPath(root);
    expect(torn!.problem).toMatchObject({ reason: 'torn', seq: next });
    await writeChain(root, 5, { signer });
    const [after] = verifyPath(root);
    expect(after!.ok).toBe(true);
    expect(after!.notices.join('\n')).toMatch(/torn line/);
    expect(existsSync(join(dir, '000002.jsonl'))).toBe(true);
  });

  it('an unsigned tail older than T (writer died before its checkpoint) fails at its first seq', async () => {
    const root = tempRoot();
    const dir = join(root, 'a');
    const log = openAuditLog({ dir, instance: 'a', signer: newSigner(), checkpointEvery: 1000 });
    for (let i = 0; i < 5; i++) log.append(call(i));
    log.flush(); // no close: the process "dies" here
    const first = 1;
    expect(verifyPath(root, { now: () => Date.now() })[0]!.ok).toBe(true);
    const [r] = verifyPath(root, { now: () => Date.now() + 60_000 });
    expect(r!.problem).toMatchObject({ reason: 'unsigned-tail', seq: first });
    await log.close();
  });

  it('rotation: a record signed by the old key introduces the new one; verify follows it', async () => {
    const root = tempRoot();
    const dir = join(root, 'a');
    const oldKey = newSigner();
    const newKey = newSigner();
    const log = openAuditLog({ dir, instance: 'a', signer: oldKey });
    for (let i = 0; i < 120; i++) log.append(call(i));
    log.rotate(newKey);
    for (let i = 0; i < 120; i++) log.append(call(i));
    await log.close();
    const [r] = verifyPath(root);
    expect(r).toMatchObject({ ok: true, keyIds: [oldKey.keyId, newKey.keyId] });
    expect(publicKeyFrom(readFileSync(join(dir, 'audit-public.pem'), 'utf8')).keyId).toBe(newKey.keyId);
    // the restarted writer continues with the new key
    await writeChain(root, 3, { instance: 'a', signer: newKey });
    expect(verifyPath(root)[0]!.ok).toBe(true);
  });

  it('fail closed: a durable append that cannot be written rejects, and so does every later one', async () => {
    const root = tempRoot();
    let broken = false;
    const log = openAuditLog({
      dir: join(root, 'a'), instance: 'a', signer: newSigner(), onError: () => {},
      write: (fd, data, off) => { if (broken) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }); return (require('node:fs') as typeof import('node:fs')).writeSync(fd, data, off); },
    });
    await log.appendDurable(call(1, { kind: 'intent', decision: 'intent' }));
    broken = true;
    await expect(log.appendDurable(call(2, { kind: 'intent', decision: 'intent' }))).rejects.toThrow(/ENOSPC/);
    broken = false;
    await expect(log.appendDurable(call(3, { kind: 'intent', decision: 'intent' }))).rejects.toThrow(/ENOSPC/);
    await log.close().catch(() => {});
  });
});
