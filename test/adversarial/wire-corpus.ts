/**
 * Wire-level attacks on the JSON-RPC layer (issue 8, items 5 and 6): each case is
 * one raw message sent after a normal initialize, and the JSON-RPC error it must
 * get. `secret` is caller input that must never come back in the answer.
 * Shared by the stdio and HTTP tests and the wire fuzz.
 */
export interface WireCase {
  readonly id: string;
  /** The raw line (stdio) or body (HTTP). */
  readonly send: string;
  readonly expect: { readonly rpc: number; readonly code: string };
  /** The id the answer must carry (null when the request's id cannot be read). */
  readonly answerId: number | string | null;
  readonly secret?: string;
  /** Before initialize (the lifecycle cases). */
  readonly fresh?: boolean;
}

const LONG = 'v'.repeat(5000);
const msg = (o: Record<string, unknown>) => JSON.stringify(o);

export const WIRE_CORPUS: readonly WireCase[] = [
  { id: 'not-json', send: '{"jsonrpc":"2.0","id":1,"method":"ping"', expect: { rpc: -32700, code: 'PARSE_ERROR' }, answerId: null },
  { id: 'jsonrpc-1.0', send: msg({ jsonrpc: '1.0', id: 2, method: 'ping' }), expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: 2 },
  { id: 'jsonrpc-missing', send: msg({ id: 3, method: 'ping' }), expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: 3 },
  { id: 'json-array', send: '[]', expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: null },
  { id: 'json-scalar', send: '42', expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: null },
  { id: 'method-not-string', send: msg({ jsonrpc: '2.0', id: 4, method: 7 }), expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: 4 },
  { id: 'id-object', send: msg({ jsonrpc: '2.0', id: { x: LONG }, method: 'ping' }), expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: null, secret: LONG },
  { id: 'method-not-found', send: msg({ jsonrpc: '2.0', id: 5, method: `no/such/${LONG}` }), expect: { rpc: -32601, code: 'NOT_FOUND' }, answerId: 5, secret: LONG },
  { id: 'list-numeric-cursor', send: msg({ jsonrpc: '2.0', id: 6, method: 'tools/list', params: { cursor: 12345 } }), expect: { rpc: -32602, code: 'INVALID_PARAMS' }, answerId: 6 },
  { id: 'call-name-number', send: msg({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 17, arguments: {} } }), expect: { rpc: -32602, code: 'INVALID_PARAMS' }, answerId: 7 },
  { id: 'call-no-params', send: msg({ jsonrpc: '2.0', id: 8, method: 'tools/call' }), expect: { rpc: -32602, code: 'INVALID_PARAMS' }, answerId: 8 },
  { id: 'call-arguments-string', send: msg({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'demo.echo', arguments: LONG } }), expect: { rpc: -32602, code: 'INVALID_PARAMS' }, answerId: 9, secret: LONG },
  {
    id: 'double-initialize',
    send: msg({ jsonrpc: '2.0', id: 10, method: 'initialize', params: { protocolVersion: LONG, capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: 10, secret: LONG,
  },
  { id: 'not-initialized', fresh: true, send: msg({ jsonrpc: '2.0', id: 11, method: 'tools/list' }), expect: { rpc: -32600, code: 'INVALID_REQUEST' }, answerId: 11 },
  { id: 'initialize-empty-params', fresh: true, send: msg({ jsonrpc: '2.0', id: 12, method: 'initialize', params: {} }), expect: { rpc: -32602, code: 'INVALID_PARAMS' }, answerId: 12 },
  { id: 'initialize-version-number', fresh: true, send: msg({ jsonrpc: '2.0', id: 13, method: 'initialize', params: { protocolVersion: 5, capabilities: {}, clientInfo: { name: 'x', version: '1' } } }), expect: { rpc: -32602, code: 'INVALID_PARAMS' }, answerId: 13 },
];

/** A valid initialize request. */
export function initializeLine(id: number | string = 'init'): string {
  return msg({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'wire', version: '0' } } });
}
