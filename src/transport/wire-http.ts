import type { ServerResponse } from 'node:http';
import { httpStatus, isCode, type Code } from '../core/codes.js';
import { wireErrorFor } from './wire-errors.js';

/** One error answer of the HTTP transport, as the caller will see it. */
export interface HttpWireError {
  readonly status: number;
  readonly rpc: number;
  readonly code: Code;
  readonly message: string;
}

type Rule = readonly [status: number, match: RegExp | undefined, answer: { readonly rpc: number; readonly code: Code; readonly message: string }];

/**
 * The SDK's Streamable HTTP transport answers some requests itself, before any
 * handler, with its own texts. Each known answer gets a registry code and a fixed
 * message; the first matching rule wins. Texts are matched, never repeated.
 * The status is the registry's for the code (so a fault is a 403, never a 5xx).
 */
const RULES: readonly Rule[] = [
  [406, undefined, { rpc: -32000, code: 'NOT_ACCEPTABLE', message: 'Not Acceptable: the Accept header must list application/json and text/event-stream' }],
  [415, undefined, { rpc: -32000, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Media Type: Content-Type must be application/json' }],
  [409, undefined, { rpc: -32000, code: 'STREAM_CONFLICT', message: 'Conflict: only one SSE stream is allowed per session' }],
  [413, undefined, { rpc: -32000, code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' }],
  [404, undefined, { rpc: -32001, code: 'NOT_FOUND', message: 'Session not found' }],
  [405, undefined, { rpc: -32000, code: 'METHOD_NOT_ALLOWED', message: 'method not allowed on this path' }],
  [403, /origin/i, { rpc: -32000, code: 'ORIGIN_NOT_ALLOWED', message: 'Origin not allowed' }],
  [403, undefined, { rpc: -32000, code: 'HOST_NOT_ALLOWED', message: 'Host not allowed' }],
  [400, /Invalid JSON-RPC message/i, { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request: not a JSON-RPC 2.0 message' }],
  [400, /^Parse error: Invalid JSON$/i, { rpc: -32700, code: 'PARSE_ERROR', message: 'Parse error: not valid JSON' }],
  [400, /^Parse error$/i, { rpc: -32603, code: 'INTERNAL_ERROR', message: 'the request could not be processed' }],
  [400, /Batch must not exceed/i, { rpc: -32600, code: 'BATCH_TOO_LARGE', message: 'Invalid request: batch too large' }],
  [400, /already initialized/i, { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request: the session is already initialized' }],
  [400, /Only one initialization/i, { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request: only one initialize request is allowed' }],
  [400, /not initialized/i, { rpc: -32000, code: 'INVALID_REQUEST', message: 'Bad Request: the session is not initialized' }],
  [400, /Mcp-Session-Id header is required/i, { rpc: -32000, code: 'INVALID_REQUEST', message: 'Bad Request: Mcp-Session-Id header is required' }],
  [400, /protocol version/i, { rpc: -32000, code: 'INVALID_REQUEST', message: 'Bad Request: unsupported MCP-Protocol-Version header' }],
];

/**
 * Classifies one error answer of the SDK transport. An answer that already names
 * a registry code is Palisade's own and keeps its text; an unknown 5xx becomes
 * 403 INTERNAL_ERROR (no input yields a 5xx at this edge); any other unknown
 * answer gets the fixed text for its status class.
 */
export function classifyHttpError(status: number, body: unknown): HttpWireError {
  const error = (body as { error?: { code?: unknown; message?: unknown; data?: { code?: unknown } } } | null)?.error;
  const text = typeof error?.message === 'string' ? error.message : '';
  if (isCode(error?.data?.code) && text) return { status: httpStatus(error.data.code), rpc: typeof error?.code === 'number' ? error.code : -32000, code: error.data.code, message: text.slice(0, 200) };
  for (const [s, match, answer] of RULES) {
    if (s === status && (!match || match.test(text))) return { ...answer, status: httpStatus(answer.code) };
  }
  if (status >= 500) return { status: httpStatus('INTERNAL_ERROR'), rpc: -32603, code: 'INTERNAL_ERROR', message: 'the request could not be processed' };
  const w = wireErrorFor(error?.code);
  const code: Code = w.code === 'INTERNAL_ERROR' || w.code === 'UPSTREAM_ERROR' ? 'INVALID_REQUEST' : w.code;
  return { status: httpStatus(code), rpc: w.rpc, code, message: code === w.code ? w.message : 'Bad request' };
}

/** A refusal that replaces whatever error the SDK transport writes (a failed token bind answers as itself). */
export interface ErrorGuardOptions {
  readonly override?: () => { code: Code; message: string; rpc?: number; headers?: Readonly<Record<string, string>> } | undefined;
}

/**
 * Makes every error answer (status >= 400) written to `res` from here on carry a
 * registry code and a fixed message: the body is held back, classified and written
 * once, with its length. Success answers (JSON and SSE) stream untouched.
 * Applied to the response before the SDK transport's `handleRequest` writes it.
 * The edge's own responses do this in their class (edge-response.ts); any other
 * ServerResponse has its methods wrapped here.
 */
export function guardErrorAnswers(res: ServerResponse, o: ErrorGuardOptions = {}): void {
  const own = (res as { guardErrors?: (o: ErrorGuardOptions) => void }).guardErrors;
  if (typeof own === 'function') return own.call(res, o);
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  const flushHeaders = res.flushHeaders.bind(res);
  let held: { status: number; headers: Record<string, unknown>; parts: Buffer[] } | undefined;
  const patched = res as unknown as Record<string, unknown>;
  patched['writeHead'] = (status: number, ...rest: unknown[]) => {
    if (status < 400) return writeHead(status, ...rest);
    const headers = rest.find((a) => a !== null && typeof a === 'object' && !Array.isArray(a)) as Record<string, unknown> | undefined;
    held = { status, headers: { ...headers }, parts: [] };
    return res;
  };
  patched['write'] = (chunk: unknown, ...rest: unknown[]) => {
    if (!held) return write(chunk, ...rest);
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') held.parts.push(toBuffer(chunk));
    return true;
  };
  patched['flushHeaders'] = () => { if (!held) flushHeaders(); };
  patched['end'] = (chunk?: unknown, ...rest: unknown[]) => {
    if (!held) return end(chunk, ...rest);
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') held.parts.push(toBuffer(chunk));
    const h = held;
    held = undefined;
    const a = errorAnswer(h, o);
    writeHead(a.status, a.headers);
    return end(a.body);
  };
}

/** The one error answer written for a held one: status, headers (the held ones, re-typed) and body. */
export function errorAnswer(h: { status: number; headers: Record<string, unknown>; parts: Buffer[] }, o: ErrorGuardOptions): { status: number; headers: Record<string, unknown>; body: string } {
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.concat(h.parts).toString('utf8')); } catch { parsed = undefined; }
  const forced = o.override?.();
  const e = forced ? { status: httpStatus(forced.code), rpc: forced.rpc ?? -32000, code: forced.code, message: forced.message } : classifyHttpError(h.status, parsed);
  const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: e.rpc, message: e.message, data: { code: e.code } } });
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h.headers)) if (!/^(content-length|content-type)$/i.test(k)) headers[k] = v;
  Object.assign(headers, forced?.headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  return { status: e.status, headers, body };
}

export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'utf8');
}
