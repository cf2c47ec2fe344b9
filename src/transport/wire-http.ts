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
