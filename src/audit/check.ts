import type { KeyObject } from 'node:crypto';
import { GENESIS_PREV, sha256 } from './canonical.js';
import { jcs } from './jcs.js';
import { publicKeyFrom, verifyHash } from './keys.js';
import { SIGNED_KINDS, type AuditRecord } from './types.js';

/** Why a chain is not intact. Each names the first sequence number where it breaks. */
export type Reason =
  | 'hash-mismatch' | 'broken-link' | 'bad-signature' | 'gap' | 'reorder' | 'replay' | 'torn'
  | 'unparsable' | 'truncated' | 'unsigned-tail' | 'after-close' | 'untrusted-key' | 'instance-mismatch' | 'empty';

export interface Problem {
  readonly seq: number;
  readonly reason: Reason;
  readonly detail: string;
  /** segment:offset (or bundle line) of the offending line. */
  readonly where?: string;
}

/** One stored line to check, in chain order. */
export interface Entry {
  readonly text: string;
  readonly torn: boolean;
  readonly segment: string;
  readonly offset: number;
}

export interface CheckResult {
  readonly problem?: Problem;
  readonly records: number;
  readonly signed: number;
  readonly instance?: string;
  readonly lastSeq: number;
  /** The first record after the last signed one, if any (the unsigned tail). */
  readonly unsignedFrom?: { readonly seq: number; readonly time: string };
  readonly firstSigned?: AuditRecord;
  readonly lastSigned?: AuditRecord;
  /** Every key the chain introduced (genesis, rotations) or used, by id. */
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly signedHashes: ReadonlyMap<number, string>;
  readonly notices: readonly string[];
  /** With `keep`: the parsed records and their stored lines, in order. */
  readonly kept: readonly { readonly rec: AuditRecord; readonly text: string }[];
}

export interface CheckOptions {
  /** Keys a record may be signed with before the chain introduces one (file and bundle mode). */
  readonly known?: ReadonlyMap<string, KeyObject>;
  /** Start from the first line's own seq and prev instead of genesis (a part of a chain). */
  readonly partial?: boolean;
  /** Keep the parsed records (export, bundle checks). */
  readonly keep?: boolean;
}

/** Walks lines in order: seq continuity, own hash (reference RFC 8785), links, signatures, key rotations. */
export function checkLines(entries: readonly Entry[], options: CheckOptions = {}): CheckResult {
  const keys = new Map<string, KeyObject>();
  const signedHashes = new Map<number, string>();
  const notices: string[] = [];
  const kept: { rec: AuditRecord; text: string }[] = [];
  let current: { id: string; key: KeyObject } | undefined;
  let expected = 0;
  let prev = GENESIS_PREV;
  let instance: string | undefined;
  let closed = false;
  let records = 0;
  let signed = 0;
  let unsignedFrom: CheckResult['unsignedFrom'];
  let firstSigned: AuditRecord | undefined;
  let lastSigned: AuditRecord | undefined;
  let torn: { seq: number; segment: string; offset: number } | undefined;
  const done = (problem?: Problem): CheckResult => ({
    ...(problem && { problem }), records, signed, instance, lastSeq: expected - 1, unsignedFrom, firstSigned, lastSigned,
    keys, signedHashes, notices, kept,
  });

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const where = `${e.segment}:${e.offset}`;
    if (e.torn) { torn = { seq: expected, segment: e.segment, offset: e.offset }; continue; }
    const rec = parse(e.text);
    if (!rec) return done({ seq: expected, reason: 'unparsable', detail: 'line is not an audit record', where });
    if (i === 0 && options.partial) { expected = rec.seq; prev = rec.prev; }
    if (torn) {
      const t = rec['torn'] as { segment?: unknown; offset?: unknown } | undefined;
      if (rec.kind !== 'recovery' || t?.segment !== torn.segment || t.offset !== torn.offset) {
        return done({ seq: torn.seq, reason: 'torn', detail: `incomplete line at ${torn.segment}:${torn.offset} (a crash mid-write, or a cut)`, where: `${torn.segment}:${torn.offset}` });
      }
    }
    if (rec.seq !== expected) {
      if (rec.seq < expected) return done({ seq: expected, reason: 'replay', detail: `found seq ${rec.seq} again where seq ${expected} belongs (an old segment or record replayed)`, where });
      const later = entries.slice(i + 1).some((x) => parse(x.text)?.seq === expected);
      return later
        ? done({ seq: expected, reason: 'reorder', detail: `seq ${rec.seq} stands where seq ${expected} belongs`, where })
        : done({ seq: expected, reason: 'gap', detail: `seq ${expected}..${rec.seq - 1} missing`, where });
    }
    const { hash, sig, ...body } = rec;
    if (sha256(jcs(body)) !== hash) return done({ seq: rec.seq, reason: 'hash-mismatch', detail: 'the record does not hash to its own hash (altered)', where });
    if (rec.prev !== prev) return done({ seq: rec.seq, reason: 'broken-link', detail: 'prev is not the previous record\'s hash', where });
    instance ??= rec.instance;
    if (rec.instance !== instance) return done({ seq: rec.seq, reason: 'instance-mismatch', detail: 'record of another instance\'s chain', where });
    if (closed && rec.kind !== 'resume' && rec.kind !== 'recovery') return done({ seq: rec.seq, reason: 'after-close', detail: 'record after the final checkpoint without a signed resume', where });
    closed = false;
    if (SIGNED_KINDS.has(rec.kind)) {
      const bad = checkSignature(rec, hash, sig, current, options.known ?? new Map(), keys);
      if (bad) return done({ seq: rec.seq, reason: 'bad-signature', detail: bad, where });
      current = { id: rec.keyId!, key: keys.get(rec.keyId!)! };
      if (rec.kind === 'rotate') {
        const next = keyOrUndefined(rec['newKey']);
        if (!next || next.keyId !== rec['newKeyId']) return done({ seq: rec.seq, reason: 'bad-signature', detail: 'rotation names a key that is not the one it carries', where });
        keys.set(next.keyId, next.key);
        current = { id: next.keyId, key: next.key };
      }
      if (rec.kind === 'checkpoint' && rec['final'] === true) closed = true;
      if (torn) { notices.push(`seq ${torn.seq}: torn line at ${torn.segment}:${torn.offset}, acknowledged by the signed recovery record ${rec.seq}`); torn = undefined; }
      signed++;
      signedHashes.set(rec.seq, hash);
      firstSigned ??= rec;
      lastSigned = rec;
      unsignedFrom = undefined;
    } else {
      if (!['call', 'edge', 'intent'].includes(rec.kind)) return done({ seq: rec.seq, reason: 'unparsable', detail: 'unknown record kind', where });
      unsignedFrom ??= { seq: rec.seq, time: rec.time };
    }
    if (options.keep) kept.push({ rec, text: e.text });
    prev = hash;
    expected++;
    records++;
  }
  if (torn) return done({ seq: torn.seq, reason: 'torn', detail: `incomplete last line at ${torn.segment}:${torn.offset} (a crash mid-write, or a cut)`, where: `${torn.segment}:${torn.offset}` });
  return done();
}

function checkSignature(
  rec: AuditRecord, hash: string, sig: string | undefined,
  current: { id: string; key: KeyObject } | undefined, known: ReadonlyMap<string, KeyObject>, keys: Map<string, KeyObject>,
): string | undefined {
  if (typeof sig !== 'string' || typeof rec.keyId !== 'string') return `${rec.kind} record without a signature`;
  let key: KeyObject | undefined;
  if (rec.kind === 'genesis') {
    if (rec.seq !== 0 || current) return 'a genesis record inside the chain';
    const k = keyOrUndefined(rec['key']);
    if (!k || k.keyId !== rec.keyId) return 'genesis names a key that is not the one it carries';
    key = k.key;
  } else if (current) {
    if (rec.keyId !== current.id) return `signed by key ${rec.keyId.slice(0, 16)}, but key ${current.id} is in force`;
    key = current.key;
  } else {
    key = known.get(rec.keyId);
    if (!key) return `signed by unknown key ${rec.keyId.slice(0, 16)}`;
  }
  if (!verifyHash(hash, sig, key)) return `${rec.kind} signature does not verify with key ${rec.keyId}`;
  keys.set(rec.keyId, key);
  return undefined;
}

function keyOrUndefined(text: unknown): ReturnType<typeof publicKeyFrom> | undefined {
  try { return publicKeyFrom(String(text)); } catch { return undefined; }
}

function parse(text: string): AuditRecord | undefined {
  try {
    const r = JSON.parse(text) as AuditRecord;
    return r && typeof r === 'object' && Number.isSafeInteger(r.seq) && typeof r.hash === 'string' && typeof r.prev === 'string'
      && typeof r.kind === 'string' && typeof r.time === 'string' && typeof r.instance === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
