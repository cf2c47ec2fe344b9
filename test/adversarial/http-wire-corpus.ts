/**
 * Raw HTTP/1.1 attacks on the edge (issue 8 items 6 and 7), each one request written
 * byte for byte on a fresh TLS connection, and the answer it must get. `{host}` is
 * replaced by the edge's Host, `{auth}` by a valid bearer token.
 * Shared by the edge test and the wire fuzz.
 */
export interface HttpWireCase {
  readonly id: string;
  readonly request: string;
  readonly status: number;
  /** `error.data.code` of the JSON-RPC error body. */
  readonly code: string;
  /** Caller input that must not come back. */
  readonly secret?: string;
}

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
const post = (headers: string[], body = INIT, line = 'POST /mcp HTTP/1.1') =>
  [line, 'Host: {host}', 'Authorization: Bearer {auth}', ...headers, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n');
const LONG = 'P'.repeat(5000);

export const HTTP_WIRE_CORPUS: readonly HttpWireCase[] = [
  { id: 'two-host-headers', request: ['GET /healthz HTTP/1.1', 'Host: {host}', 'Host: evil.example', 'Connection: close', '', ''].join('\r\n'), status: 400, code: 'INVALID_REQUEST', secret: 'evil.example' },
  { id: 'http-2.0-request-line', request: ['GET /healthz HTTP/2.0', 'Host: {host}', 'Connection: close', '', ''].join('\r\n'), status: 400, code: 'INVALID_REQUEST' },
  { id: 'http-0.9-request-line', request: ['GET /healthz HTTP/0.9', 'Host: {host}', 'Connection: close', '', ''].join('\r\n'), status: 400, code: 'INVALID_REQUEST' },
  { id: 'connect', request: ['CONNECT 169.254.169.254:80 HTTP/1.1', 'Host: 169.254.169.254:80', '', ''].join('\r\n'), status: 405, code: 'METHOD_NOT_ALLOWED', secret: '169.254' },
  { id: 'initialize-accept-json-only', request: post(['Content-Type: application/json', 'Accept: application/json']), status: 406, code: 'NOT_ACCEPTABLE' },
  { id: 'initialize-text-plain', request: post(['Content-Type: text/plain', 'Accept: application/json, text/event-stream']), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { id: 'jsonrpc-1.0', request: post(['Content-Type: application/json', 'Accept: application/json, text/event-stream'], INIT.replace('"2.0"', '"1.0"')), status: 400, code: 'INVALID_REQUEST' },
  {
    id: 'protocol-version-5000',
    request: post(['Content-Type: application/json', 'Accept: application/json, text/event-stream', `MCP-Protocol-Version: ${LONG}`], '{"jsonrpc":"2.0","id":2,"method":"tools/list"}').replace('Authorization', 'Mcp-Session-Id: none\r\nAuthorization'),
    status: 404, code: 'NOT_FOUND', secret: 'PPPPPPPPPP',
  },
];
