import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listChains, listSegments } from './segments.js';
import type { AuditRecord } from './types.js';

/** One human-readable line for a record: time, instance, decision, code, tool, actor, tenant, trace. */
export function describeRecord(r: AuditRecord): string {
  const f = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
  const actor = (r['actor'] as { id?: string } | undefined)?.id ?? '-';
  if (r.kind === 'checkpoint' || r.kind === 'genesis' || r.kind === 'rotate' || r.kind === 'resume' || r.kind === 'recovery') {
    return `${r.time} ${r.instance} #${r.seq} ${r.kind} key=${r.keyId ?? '-'}`;
  }
  const decision = f('decision').toUpperCase().padEnd(6);
  const code = f('code') ? ` ${f('code')}${f('stage') ? ` (${f('stage')})` : ''}` : '';
  const http = r['http'] as { status?: number } | undefined;
  return `${r.time} ${r.instance} #${r.seq} ${r.kind === 'edge' ? `edge ${http?.status ?? ''} ` : ''}${decision}${code} ${f('tool') || '-'} actor=${actor} tenant=${f('tenant') || '-'} trace=${f('traceId')}`;
}

/**
 * Follows every chain under an audit root by polling sizes (portable; fs.watch misses
 * appends on some filesystems). Yields complete new lines only.
 */
export function followChains(root: string, onRecord: (r: AuditRecord) => void, options: { fromStart?: boolean; intervalMs?: number } = {}): () => void {
  const offsets = new Map<string, number>();
  const partial = new Map<string, string>();
  let first = true;
  const poll = () => {
    for (const dir of listChains(root)) {
      for (const seg of listSegments(dir)) {
        const file = join(dir, seg);
        const size = statSync(file).size;
        const at = offsets.get(file) ?? (first && !options.fromStart ? size : 0);
        offsets.set(file, size);
        if (size <= at) continue;
        const buf = Buffer.alloc(size - at);
        const fd = openSync(file, 'r');
        try { readSync(fd, buf, 0, buf.length, at); } finally { closeSync(fd); }
        const text = (partial.get(file) ?? '') + buf.toString('utf8');
        const parts = text.split('\n');
        partial.set(file, parts.pop() ?? '');
        for (const p of parts) {
          try { onRecord(JSON.parse(p) as AuditRecord); } catch { onRecord({ kind: 'call', seq: -1, time: '?', instance: basename(dir), prev: '', hash: '', v: 1, decision: 'unreadable line' }); }
        }
      }
    }
    first = false;
  };
  poll();
  const timer = setInterval(poll, options.intervalMs ?? 250);
  return () => clearInterval(timer);
}
