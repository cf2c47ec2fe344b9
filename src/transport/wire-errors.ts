import {
  CallToolRequestSchema,
  InitializeRequestSchema,
  JSONRPCMessageSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { isCode, type Code } from '../core/codes.js';

/**
 * JSON-RPC errors on the wire, for every transport alike (stdio and Streamable HTTP).
 * The SDK's own errors carry no Palisade code and sometimes repeat what the caller
 * sent (a 5,000-character protocol version, a zod dump of the params). Every error
 * that leaves through here has a registry code in `error.data.code` and one short,
 * fixed message: nothing the caller sent, nothing internal.
 */
export interface WireError {
  /** The JSON-RPC error code of the envelope. */
  readonly rpc: number;
  readonly code: Code;
  readonly message: string;
}

/** Standard JSON-RPC / MCP error codes -> registry code and fixed message. */
const BY_RPC: Readonly<Record<number, WireError>> = {
  [-32700]: { rpc: -32700, code: 'PARSE_ERROR', message: 'Parse error: not valid JSON' },
  [-32600]: { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request' },
  [-32601]: { rpc: -32601, code: 'NOT_FOUND', message: 'Method not found' },
  [-32602]: { rpc: -32602, code: 'INVALID_PARAMS', message: 'Invalid params' },
  [-32603]: { rpc: -32603, code: 'INTERNAL_ERROR', message: 'Internal error' },
  [-32001]: { rpc: -32001, code: 'UPSTREAM_ERROR', message: 'Request timed out' },
  [-32000]: { rpc: -32000, code: 'INVALID_REQUEST', message: 'Request refused' },
};

const INTERNAL: WireError = BY_RPC[-32603]!;
/** Our own messages are short; a longer one is cut rather than trusted whole. */
const MAX_MESSAGE = 200;

/** The wire error for a JSON-RPC error code (unknown codes are internal errors). */
export function wireErrorFor(rpc: unknown): WireError {
  return (typeof rpc === 'number' && BY_RPC[rpc]) || INTERNAL;
}

/** One JSON-RPC error response in Palisade's shape. */
export function errorResponse(id: RequestId | null, e: WireError): JSONRPCMessage {
  return { jsonrpc: '2.0', id, error: { code: e.rpc, message: e.message, data: { code: e.code } } } as unknown as JSONRPCMessage;
}

/**
 * Rewrites an outgoing error response so that it carries a registry code and a
 * fixed message. An error that already names a registry code was raised by
 * Palisade itself (its message is ours) and keeps it, capped; anything else (the
 * SDK's -32601, -32602 zod dumps, -32603 with a stack of schema text) gets the
 * fixed text for its JSON-RPC code, and its `data` is dropped.
 */
export function sanitizeOutgoing(message: JSONRPCMessage): JSONRPCMessage {
  const m = message as { id?: RequestId | null; error?: { code?: unknown; message?: unknown; data?: unknown } };
  if (!m.error || typeof m.error !== 'object') return message;
  const id = m.id ?? null;
  const data = m.error.data as { code?: unknown } | undefined;
  if (data && typeof data === 'object' && isCode(data.code) && typeof m.error.message === 'string') {
    const rpc = typeof m.error.code === 'number' && Number.isSafeInteger(m.error.code) ? m.error.code : INTERNAL.rpc;
    return errorResponse(id, { rpc, code: data.code, message: m.error.message.slice(0, MAX_MESSAGE) });
  }
  return errorResponse(id, wireErrorFor(m.error.code));
}

/** The params schemas of the methods Palisade's server answers: checked before the SDK sees them. */
const PARAMS: Readonly<Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[] }[] } } }>> = {
  initialize: InitializeRequestSchema,
  ping: PingRequestSchema,
  'tools/list': ListToolsRequestSchema,
  'tools/call': CallToolRequestSchema,
};

/** What to do with one incoming message. */
export type Admission =
  | { readonly ok: true; readonly message: JSONRPCMessage }
  /** Refused: answer `reply` (absent for a refused notification, which gets no answer). */
  | { readonly ok: false; readonly reply?: JSONRPCMessage };

/** Per-connection protocol state the checks need. */
export interface WireState {
  initialized: boolean;
}

/**
 * Checks one incoming message before the SDK: the JSON-RPC 2.0 envelope
 * (`jsonrpc: "1.0"` is an invalid request, not a parse error), the lifecycle
 * (one initialize, nothing but ping before it) and the params of the methods
 * Palisade answers (a numeric `cursor` is -32602 INVALID_PARAMS naming the field,
 * not -32603 with the zod dump).
 */
export function admit(raw: unknown, state: WireState): Admission {
  const id = idOf(raw);
  const isObject = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
  if (!isObject || (raw as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
    return refuse(raw, id, { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request: not a JSON-RPC 2.0 message (jsonrpc must be "2.0")' });
  }
  if (!JSONRPCMessageSchema.safeParse(raw).success) {
    return refuse(raw, id, { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request: not a JSON-RPC 2.0 request, notification or response' });
  }
  const message = raw as JSONRPCMessage;
  const method = (raw as { method?: unknown }).method;
  if (typeof method !== 'string' || id === null) return { ok: true, message }; // responses and notifications
  if (method === 'initialize' && state.initialized) {
    return refuse(raw, id, { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request: the session is already initialized' });
  }
  if (method !== 'initialize' && method !== 'ping' && !state.initialized) {
    return refuse(raw, id, { rpc: -32600, code: 'INVALID_REQUEST', message: 'Invalid request: the session is not initialized' });
  }
  const schema = Object.hasOwn(PARAMS, method) ? PARAMS[method] : undefined;
  const parsed = schema?.safeParse(raw);
  if (parsed && !parsed.success) {
    const field = safePath(parsed.error?.issues[0]?.path ?? []);
    return refuse(raw, id, { rpc: -32602, code: 'INVALID_PARAMS', message: field ? `Invalid params: ${field}` : 'Invalid params' });
  }
  if (method === 'initialize') state.initialized = true;
  return { ok: true, message };
}

function refuse(raw: unknown, id: RequestId | null, e: WireError): Admission {
  // A notification is never answered (JSON-RPC 2.0 section 4.1); anything else with an id, or unreadable, is.
  const notification = raw !== null && typeof raw === 'object' && typeof (raw as { method?: unknown }).method === 'string' && !Object.hasOwn(raw, 'id');
  return notification ? { ok: false } : { ok: false, reply: errorResponse(id, e) };
}

/** The request id when it has a legal type (string or integer), else null: a malformed id is never echoed. */
export function idOf(raw: unknown): RequestId | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const id = (raw as { id?: unknown }).id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  if (typeof id === 'string' && id.length <= 128) return id;
  return null;
}

/**
 * The path of a schema issue, e.g. `params.cursor`, when every segment is a plain
 * identifier or an index; anything else (a caller-chosen key) is not named.
 */
function safePath(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0 || path.length > 4) return undefined;
  const parts: string[] = [];
  for (const p of path) {
    if (typeof p === 'number') parts.push(String(p));
    else if (typeof p === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(p)) parts.push(p);
    else return undefined;
  }
  return parts.join('.');
}
