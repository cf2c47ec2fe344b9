import { checkLines } from './check.js';
import { publicKeyFrom, publicPem } from './keys.js';
import { listChains } from './segments.js';
import type { Anchor, ChainReport } from './verify.js';
import { chainEntries } from './verify.js';
import { SIGNED_KINDS } from './types.js';

export const BUNDLE_FORMAT = 'palisade.audit.bundle/1';

/**
 * Evidence for one trace, checkable offline: per chain, the stored lines from the signed
 * record before the trace's first record to the checkpoint that covers its last, and the
 * public key in force at the start. Lines are kept byte for byte.
 */
export interface Bundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly traceId: string;
  readonly createdAt: string;
  readonly chains: readonly { readonly instance: string; readonly publicKey: string; readonly lines: readonly string[] }[];
}

/** Export refused: the trace is absent, the chain is broken, or no checkpoint covers the trace yet. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

export function exportBundle(root: string, traceId: string, now: () => number = Date.now): Bundle {
  const chains: Bundle['chains'][number][] = [];
  for (const dir of listChains(root)) {
    const r = checkLines(chainEntries(dir), { keep: true });
    if (r.problem) throw new ExportError(`chain ${r.instance ?? dir} does not verify (seq ${r.problem.seq}: ${r.problem.reason}); run palisade audit verify`);
    const hits = r.kept.flatMap((k, i) => (k.rec['traceId'] === traceId ? [i] : []));
    if (!hits.length) continue;
    let start = hits[0]!;
    while (start > 0 && !SIGNED_KINDS.has(r.kept[start]!.rec.kind)) start--;
    let end = hits[hits.length - 1]!;
    while (end < r.kept.length && !SIGNED_KINDS.has(r.kept[end]!.rec.kind)) end++;
    if (end >= r.kept.length) throw new ExportError(`trace records in chain ${r.instance} are not covered by a checkpoint yet; retry after audit.checkpoint_seconds`);
    const first = r.kept[start]!.rec;
    const key = r.keys.get(first.keyId!);
    if (!key) throw new ExportError(`no key for seq ${first.seq}`);
    chains.push({ instance: first.instance, publicKey: publicPem(key), lines: r.kept.slice(start, end + 1).map((k) => k.text) });
  }
  if (!chains.length) throw new ExportError('no record of this trace in the audit log');
  return { format: BUNDLE_FORMAT, traceId, createdAt: new Date(now()).toISOString(), chains };
}

/** Checks a bundle offline: links, hashes, signatures at both ends, the trace inside. */
export function verifyBundle(bundle: unknown, options: { anchors?: readonly Anchor[] } = {}): ChainReport[] {
  const b = bundle as Partial<Bundle> | null;
  const bad = (detail: string): ChainReport[] => [{ target: 'bundle', ok: false, problem: { seq: 0, reason: 'unparsable', detail }, records: 0, signed: 0, keyIds: [], notices: [] }];
  if (!b || b.format !== BUNDLE_FORMAT || typeof b.traceId !== 'string' || !Array.isArray(b.chains) || !b.chains.length) return bad('not a palisade audit bundle');
  const traceId = b.traceId;
  return (b.chains as readonly Partial<Bundle['chains'][number]>[]).map((c, n) => {
    const target = `bundle chain ${n + 1} (${String(c?.instance).slice(0, 64)})`;
    let pk: Anchor;
    try { pk = publicKeyFrom(String(c.publicKey)); } catch { return bad('bundle public key unreadable')[0]!; }
    const lines: unknown = c.lines;
    if (!Array.isArray(lines) || !lines.every((l): l is string => typeof l === 'string')) return bad('bundle lines unreadable')[0]!;
    const r = checkLines((lines as string[]).map((text, i) => ({ text, torn: false, segment: 'bundle', offset: i })), { partial: true, known: new Map([[pk.keyId, pk.key]]), keep: true });
    const out = (problem?: ChainReport['problem'], notices: string[] = []): ChainReport => ({
      target, instance: r.instance, ok: !problem, ...(problem && { problem }), records: r.records, signed: r.signed, keyIds: [...r.keys.keys()], notices: [...r.notices, ...notices],
    });
    if (r.problem) return out(r.problem);
    const firstSeq = r.kept[0]?.rec.seq ?? 0;
    if (r.firstSigned?.seq !== firstSeq) return out({ seq: firstSeq, reason: 'bad-signature', detail: 'the bundle does not start at a signed record' });
    if (r.unsignedFrom) return out({ seq: r.unsignedFrom.seq, reason: 'unsigned-tail', detail: 'the bundle does not end at a signed checkpoint' });
    const traced = r.kept.filter((k) => k.rec['traceId'] === traceId).length;
    if (!traced) return out({ seq: firstSeq, reason: 'empty', detail: 'no record of the trace in this chain' });
    if (options.anchors?.length && !options.anchors.some((a) => a.keyId === pk.keyId)) {
      return out({ seq: firstSeq, reason: 'untrusted-key', detail: `signed by ${pk.keyId}, not a trusted key` });
    }
    return out(undefined, [`${traced} record(s) of trace ${traceId.slice(0, 64)}; key ${pk.keyId}${options.anchors?.length ? ' (trusted)' : ' (from the bundle: pin it with --key)'}`]);
  });
}
