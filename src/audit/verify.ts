import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkLines, type CheckResult, type Entry, type Problem } from './check.js';
import { publicKeyFrom, verifyHash } from './keys.js';
import { listChains, listSegments, readHead, readLines } from './segments.js';
import { parseValid } from './tail-state.js';
import { PUBLIC_KEY_FILE } from './types.js';

/** A trusted public key and its id (`publicKeyFrom(pem)`). */
export interface Anchor { readonly key: KeyObject; readonly keyId: string }

/** The verdict on one chain (or one segment file). */
export interface ChainReport {
  readonly target: string;
  readonly instance?: string;
  readonly ok: boolean;
  readonly problem?: Problem;
  readonly records: number;
  readonly signed: number;
  readonly keyIds: readonly string[];
  readonly notices: readonly string[];
}

export interface VerifyOptions {
  /** Trusted public keys; default: the `audit-public.pem` published beside the log. */
  readonly anchors?: readonly Anchor[];
  readonly now?: () => number;
  /** Unsigned records older than this are a failure (checkpoint_seconds plus slack). */
  readonly maxUnsignedMs?: number;
}

/** Verifies every chain under an audit root, one chain folder, or one segment file. */
export function verifyPath(path: string, options: VerifyOptions = {}): ChainReport[] {
  if (existsSync(path) && path.endsWith('.jsonl')) return [verifySegmentFile(path, options)];
  const chains = listChains(path);
  if (!chains.length) return [{ target: path, ok: false, problem: { seq: 0, reason: 'empty', detail: 'no audit chain here' }, records: 0, signed: 0, keyIds: [], notices: [] }];
  return chains.map((dir) => verifyChain(dir, options));
}

export function chainEntries(dir: string): Entry[] {
  return listSegments(dir).flatMap((segment) => readLines(join(dir, segment)).map((l) => ({ ...l, segment })));
}

/** A whole chain from genesis: links, hashes, signatures, anchors, HEAD (truncation) and the unsigned tail. */
export function verifyChain(dir: string, options: VerifyOptions = {}): ChainReport {
  const head = readHead(dir); // read before the segments: a live writer moves HEAD only after its lines are written
  const r = checkLines(chainEntries(dir));
  const report = (problem?: Problem, extra: string[] = []): ChainReport => ({
    target: dir, instance: r.instance, ok: !problem, ...(problem && { problem }), records: r.records, signed: r.signed,
    keyIds: [...r.keys.keys()], notices: [...r.notices, ...extra],
  });
  if (r.problem) return report(r.problem);
  if (r.records === 0) return report({ seq: 0, reason: head ? 'truncated' : 'empty', detail: 'the chain has no records' });
  const anchors = options.anchors ?? anchorsBeside(dir);
  const notes: string[] = [];
  if (!anchors.length) notes.push(`no published key beside the log: trusting the chain's own key ${[...r.keys.keys()][0]}`);
  else if (!anchors.some((a) => r.keys.has(a.keyId))) {
    return report({ seq: 0, reason: 'untrusted-key', detail: `the chain is signed by ${[...r.keys.keys()].join(', ')}, none of them the trusted key ${anchors.map((a) => a.keyId).join(', ')}` });
  }
  if (head) {
    const p = headProblem(head.line, r);
    if (p) return report(p);
  }
  const now = (options.now ?? Date.now)();
  if (r.unsignedFrom && now - Date.parse(r.unsignedFrom.time) > (options.maxUnsignedMs ?? 6000)) {
    return report({ seq: r.unsignedFrom.seq, reason: 'unsigned-tail', detail: `records from seq ${r.unsignedFrom.seq} were never signed by a checkpoint (writer stopped, or checkpoints removed)` });
  }
  return report(undefined, notes);
}

function headProblem(line: string, r: CheckResult): Problem | undefined {
  const rec = line ? parseValid(line) : undefined;
  if (!rec || typeof rec.sig !== 'string' || typeof rec.keyId !== 'string') return { seq: r.lastSeq + 1, reason: 'truncated', detail: 'HEAD.json is unreadable' };
  const key = r.keys.get(rec.keyId);
  if (!key || !verifyHash(rec.hash, rec.sig, key)) return { seq: rec.seq, reason: 'bad-signature', detail: 'HEAD.json carries a checkpoint this chain\'s keys did not sign' };
  if (rec.seq > r.lastSeq) return { seq: r.lastSeq + 1, reason: 'truncated', detail: `the log ends at seq ${r.lastSeq} but HEAD.json names a signed checkpoint at seq ${rec.seq}` };
  if (r.signedHashes.get(rec.seq) !== rec.hash) return { seq: rec.seq, reason: 'hash-mismatch', detail: 'the log\'s record differs from the signed head in HEAD.json (rewritten)' };
  return undefined;
}

/** Public keys published beside a chain (`audit-public.pem`). */
export function anchorsBeside(dir: string): Anchor[] {
  const f = join(dir, PUBLIC_KEY_FILE);
  return existsSync(f) ? [publicKeyFrom(readFileSync(f, 'utf8'))] : [];
}

/** One segment on its own: its lines link and hash; signatures check with the keys its chain introduced. */
function verifySegmentFile(file: string, options: VerifyOptions): ChainReport {
  const dir = dirname(file);
  const known = new Map<string, KeyObject>();
  for (const a of options.anchors ?? anchorsBeside(dir)) known.set(a.keyId, a.key);
  for (const seg of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const l of readLines(join(dir, seg))) {
      const rec = l.text.includes('"key') ? parseValid(l.text) : undefined;
      for (const k of [rec?.['key'], rec?.['newKey']]) if (typeof k === 'string') { const p = publicKeyFrom(k); known.set(p.keyId, p.key); }
    }
  }
  const segment = basename(file);
  const r = checkLines(readLines(file).map((l) => ({ ...l, segment })), { partial: true, known });
  return { target: file, instance: r.instance, ok: !r.problem, ...(r.problem && { problem: r.problem }), records: r.records, signed: r.signed, keyIds: [...r.keys.keys()], notices: [...r.notices] };
}
