import type { Readable } from 'node:stream';

export type CappedBody =
  | { readonly ok: true; readonly body: Uint8Array; readonly truncated: boolean }
  | { readonly ok: false };

/**
 * Reads a response body up to `cap` bytes while it streams: the stream is
 * destroyed as soon as the cap is passed, so an endless or huge body costs at
 * most `cap` plus one chunk. `deny` reports ok: false; `truncate` keeps the
 * first `cap` bytes.
 */
export async function readCapped(stream: Readable, cap: number, mode: 'deny' | 'truncate'): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Stopping early makes undici report an abort; expected here. The iterator still sees real errors.
  stream.on('error', () => undefined);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (total + chunk.length > cap) {
        if (mode === 'deny') return { ok: false };
        chunks.push(chunk.subarray(0, cap - total));
        total = cap;
        return { ok: true, body: concat(chunks, total), truncated: true };
      }
      chunks.push(chunk);
      total += chunk.length;
    }
    return { ok: true, body: concat(chunks, total), truncated: false };
  } finally {
    if (!stream.destroyed) stream.destroy();
  }
}

function concat(chunks: Buffer[], total: number): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks, total));
}

/** `type/subtype` and the charset of a Content-Type header value. */
export function parseContentType(value: string | undefined): { type: string; charset: string | undefined } {
  if (!value) return { type: '', charset: undefined };
  const [head, ...params] = value.split(';');
  const type = (head ?? '').trim().toLowerCase();
  let charset: string | undefined;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})"?\s*$/i.exec(p);
    if (m) charset = m[1]!.toLowerCase();
  }
  return { type, charset };
}

/** Matches a media type against `type/subtype`, `type/*` and `type/*+suffix` patterns. */
export function contentTypeAllowed(type: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    const pat = p.trim().toLowerCase();
    if (pat === '*/*') return type !== '';
    if (pat.endsWith('/*')) return type.startsWith(pat.slice(0, -1));
    const plus = /^([a-z0-9.-]+)\/\*(\+[a-z0-9.-]+)$/.exec(pat);
    if (plus) return type.startsWith(`${plus[1]}/`) && type.endsWith(plus[2]!);
    return type === pat;
  });
}
