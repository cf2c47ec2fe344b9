import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical, sha256 } from '../../src/audit/canonical.js';
import { signerFrom, signHash } from '../../src/audit/keys.js';
import { listSegments } from '../../src/audit/segments.js';
import { verifyPath } from '../../src/audit/verify.js';
import { copyChain, forge, lines, newSigner, seqIndex, tempRoot, writeChain, writeLines } from './helpers.js';

/** One clean chain of 3,000 calls over several segments; each test tampers with its own copy. */
let clean: string;
beforeAll(async () => {
  clean = await writeChain(tempRoot(), 3000, { segmentBytes: 200 * 1024 });
});

function fileOf(dir: string, seq: number): string {
  for (const s of listSegments(dir)) {
    const ls = lines(join(dir, s));
    if (ls.some((l) => JSON.parse(l).seq === seq)) return join(dir, s);
  }
  throw new Error(`seq ${seq} not found`);
}

function verdict(dir: string) {
  const [r] = verifyPath(dir);
  return { ok: r!.ok, seq: r!.problem?.seq, reason: r!.problem?.reason };
}

describe('audit verify catches each tampering at the exact sequence number', () => {
  it('the untouched copy verifies', () => {
    expect(verdict(copyChain(clean))).toEqual({ ok: true, seq: undefined, reason: undefined });
  });

  it('one byte changed', () => {
    const dir = copyChain(clean);
    const f = fileOf(dir, 1234);
    const ls = lines(f);
    const i = seqIndex(ls, 1234);
    ls[i] = ls[i]!.replace('"tool":"orders.get"', '"tool":"orders.gat"');
    writeLines(f, ls);
    expect(verdict(dir)).toEqual({ ok: false, seq: 1234, reason: 'hash-mismatch' });
  });

  it('a record deleted', () => {
    const dir = copyChain(clean);
    const f = fileOf(dir, 777);
    const ls = lines(f);
    ls.splice(seqIndex(ls, 777), 1);
    writeLines(f, ls);
    expect(verdict(dir)).toEqual({ ok: false, seq: 777, reason: 'gap' });
  });

  it('two records swapped', () => {
    const dir = copyChain(clean);
    const f = fileOf(dir, 500);
    const ls = lines(f);
    const i = seqIndex(ls, 500);
    [ls[i], ls[i + 1]] = [ls[i + 1]!, ls[i]!];
    writeLines(f, ls);
    expect(verdict(dir)).toEqual({ ok: false, seq: 500, reason: 'reorder' });
  });

  it('truncated at a line boundary after a checkpoint (HEAD.json names a later one)', () => {
    const dir = copyChain(clean);
    const segs = listSegments(dir);
    const last = join(dir, segs.at(-1)!);
    const ls = lines(last);
    const keep = ls.slice(0, Math.floor(ls.length / 2));
    writeLines(last, keep);
    const lastSeq = JSON.parse(keep.at(-1)!).seq as number;
    expect(verdict(dir)).toEqual({ ok: false, seq: lastSeq + 1, reason: 'truncated' });
  });

  it('truncated mid-line (a cut inside a record)', () => {
    const dir = copyChain(clean);
    const f = fileOf(dir, 2000);
    const ls = lines(f);
    const i = seqIndex(ls, 2000);
    const offset = ls.slice(0, i).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) + 40;
    truncateSync(f, offset);
    // later segments now follow a torn line with no recovery record
    expect(verdict(dir)).toEqual({ ok: false, seq: 2000, reason: 'torn' });
  });

  it('a forged record appended after the final checkpoint', () => {
    const dir = copyChain(clean);
    const f = join(dir, listSegments(dir).at(-1)!);
    const ls = lines(f);
    const forged = forge(ls.at(-1)!, { kind: 'call', traceId: 't', decision: 'allow', tool: 'flag.set' });
    writeLines(f, [...ls, forged]);
    expect(verdict(dir)).toEqual({ ok: false, seq: JSON.parse(forged).seq, reason: 'after-close' });
  });

  it('a forged record appended with a forged resume record (no key: bad signature)', () => {
    const dir = copyChain(clean);
    const f = join(dir, listSegments(dir).at(-1)!);
    const ls = lines(f);
    const resume = forge(ls.at(-1)!, { kind: 'resume', keyId: JSON.parse(ls.at(-1)!).keyId }, 'AAAA');
    const forgedCall = forge(resume, { kind: 'call', traceId: 't', decision: 'allow' });
    writeLines(f, [...ls, resume, forgedCall]);
    expect(verdict(dir)).toEqual({ ok: false, seq: JSON.parse(resume).seq, reason: 'bad-signature' });
  });

  it('a checkpoint forged with another key', () => {
    const dir = copyChain(clean);
    const other = signerFrom(generateKeyPairSync('ed25519').privateKey);
    const f = fileOf(dir, 1000);
    const ls = lines(f);
    const i = ls.findIndex((l) => JSON.parse(l).kind === 'checkpoint');
    const { hash: _h, sig: _s, ...body } = JSON.parse(ls[i]!) as Record<string, unknown>;
    const forgedBody = { ...body, keyId: other.keyId };
    const hash = sha256(canonical(forgedBody));
    ls[i] = JSON.stringify({ ...forgedBody, hash, sig: signHash(hash, other.privateKey) });
    writeLines(f, ls);
    expect(verdict(dir)).toEqual({ ok: false, seq: body['seq'], reason: 'bad-signature' });
  });

  it('a checkpoint signature replaced by another key\'s signature over the same hash', () => {
    const dir = copyChain(clean);
    const other = newSigner();
    const f = fileOf(dir, 1500);
    const ls = lines(f);
    const i = ls.findIndex((l) => JSON.parse(l).kind === 'checkpoint');
    const rec = JSON.parse(ls[i]!) as { seq: number; hash: string; sig: string };
    ls[i] = JSON.stringify({ ...rec, sig: signHash(rec.hash, other.privateKey) });
    writeLines(f, ls);
    expect(verdict(dir)).toEqual({ ok: false, seq: rec.seq, reason: 'bad-signature' });
  });

  it('a whole chain re-signed with another key (genesis included) fails the published key', async () => {
    const root = tempRoot();
    const dir = await writeChain(root, 50);
    const published = readFileSync(join(copyChain(clean), 'audit-public.pem'));
    writeFileSync(join(dir, 'audit-public.pem'), published);
    expect(verdict(dir)).toEqual({ ok: false, seq: 0, reason: 'untrusted-key' });
  });

  it('an old segment replayed in place of a later one', () => {
    const dir = copyChain(clean);
    const segs = listSegments(dir);
    expect(segs.length).toBeGreaterThanOrEqual(3);
    const firstOfThird = JSON.parse(lines(join(dir, segs[2]!))[0]!).seq as number;
    copyFileSync(join(dir, segs[1]!), join(dir, segs[2]!));
    expect(verdict(dir)).toEqual({ ok: false, seq: firstOfThird, reason: 'replay' });
  });

  it('an older copy of the live segment put back (rollback)', async () => {
    const root = tempRoot();
    const signer = newSigner();
    const dir = await writeChain(root, 300, { signer });
    const snapshot = readFileSync(join(dir, '000001.jsonl'));
    const before = lines(join(dir, '000001.jsonl'));
    await writeChain(root, 300, { signer });
    writeFileSync(join(dir, '000001.jsonl'), snapshot);
    expect(verdict(dir)).toEqual({ ok: false, seq: JSON.parse(before.at(-1)!).seq + 1, reason: 'truncated' });
  });
});
