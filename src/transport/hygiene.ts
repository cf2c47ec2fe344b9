import type { IncomingMessage } from 'node:http';
import { refuse, type Refusal } from './http-errors.js';

export { LOOPBACK_NAMES } from '../core/loopback.js';

/** Lower-cased hostname of a Host header, port removed; undefined when malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host || host.length > 255) return undefined;
  const h = host.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h);
  return m ? m[1] : undefined;
}

/** Host names as the allow-list stores them: lower case, IPv6 in brackets. */
export function normalizeHostEntry(name: string): string {
  const h = name.trim().toLowerCase().replace(/\.$/, '');
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** DNS-rebinding defence: the Host header must name this server. */
export function checkHost(req: IncomingMessage, allowed: ReadonlySet<string>): Refusal | undefined {
  const name = hostnameOf(req.headers.host);
  if (name !== undefined && allowed.has(name.replace(/\.$/, ''))) return undefined;
  return refuse('HOST_NOT_ALLOWED', 'Host header is not on the allow-list');
}

/**
 * Non-browser clients send no Origin and pass; a present Origin (a browser
 * page, possibly hostile) must be on the list. `null` is never allowed.
 */
export function checkOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): Refusal | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (allowed.has(origin.trim().toLowerCase().replace(/\/$/, ''))) return undefined;
  return refuse('ORIGIN_NOT_ALLOWED', 'Origin header is not on the allow-list');
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; refusal?: Refusal };

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the
 * cap is refused before a byte is read; a stream that grows past it is cut off
 * at the cap. `{ ok: false }` without a refusal: the client went away.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const tooLarge = refuse('PAYLOAD_TOO_LARGE', `request body is over ${limit} bytes`, { headers: { Connection: 'close' } });
  const declared = req.headers['content-length'];
  if (declared !== undefined && (!/^\d{1,15}$/.test(declared) || Number(declared) > limit)) {
    return Promise.resolve({ ok: false, refusal: /^\d+$/.test(declared) ? tooLarge : refuse('INVALID_REQUEST', 'bad Content-Length') });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the response carries Connection: close so the rest is never read.
        req.pause();
        finish({ ok: false, refusal: tooLarge });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.once('error', () => finish({ ok: false }));
    req.once('close', () => finish(req.complete ? { ok: true, body: Buffer.concat(chunks, size) } : { ok: false }));
  });
}

/** What the edge needs to know about a POST body before handing it to the SDK transport. */
export interface ParsedBody {
  readonly value: unknown;
  readonly messages: readonly Record<string, unknown>[];
  readonly isInitialize: boolean;
  readonly toolCalls: readonly { name: string; args: unknown }[];
}

/** JSON.parse plus the batch cap; JSON-RPC validation itself stays with the SDK. */
export function parseBody(body: Buffer, maxBatch: number): { ok: true; parsed: ParsedBody } | { ok: false; refusal: Refusal } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, refusal: refuse('PARSE_ERROR', 'Parse error: body is not valid JSON', { rpc: -32700 }) };
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return { ok: false, refusal: refuse('INVALID_REQUEST', 'Invalid Request: empty batch', { rpc: -32600 }) };
  if (list.length > maxBatch) return { ok: false, refusal: refuse('BATCH_TOO_LARGE', `Invalid Request: batch over ${maxBatch} messages`, { rpc: -32600 }) };
  const messages = list.filter((m): m is Record<string, unknown> => m !== null && typeof m === 'object' && !Array.isArray(m));
  if (messages.length !== list.length) return { ok: false, refusal: refuse('INVALID_REQUEST', 'Invalid Request: not a JSON-RPC message', { rpc: -32600 }) };
  const toolCalls: { name: string; args: unknown }[] = [];
  for (const m of messages) {
    const params = m['params'];
    if (m['method'] === 'tools/call' && params !== null && typeof params === 'object' && typeof (params as Record<string, unknown>)['name'] === 'string') {
      toolCalls.push({ name: (params as Record<string, unknown>)['name'] as string, args: (params as Record<string, unknown>)['arguments'] });
    }
  }
  return { ok: true, parsed: { value, messages, isInitialize: messages.some((m) => m['method'] === 'initialize'), toolCalls } };
}
