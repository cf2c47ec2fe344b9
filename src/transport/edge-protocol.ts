import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { refuse, type Refusal } from './http-errors.js';

/**
 * HTTP/1.1 request hygiene that Node's parser lets through:
 * - a request line naming another version than 1.0/1.1 (`HTTP/2.0`, `HTTP/0.9`)
 *   is refused (400 INVALID_REQUEST: the edge never answers a 5xx, so not 505)
 *   instead of being served as if it were HTTP/1.1;
 * - two or more `Host` header fields are a 400 (RFC 9112 section 3.2): Node keeps
 *   the first, a proxy in front may have used the last, and the Host allow-list
 *   would then judge another name than the one routed.
 */
export function requestLineRefusal(req: IncomingMessage): Refusal | undefined {
  if (req.httpVersion !== '1.1' && req.httpVersion !== '1.0') return refuse('INVALID_REQUEST', 'HTTP version not supported: use HTTP/1.1');
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hosts += 1;
  if (hosts > 1) return refuse('INVALID_REQUEST', 'exactly one Host header is allowed');
  return undefined;
}

/** The whole raw answer to a CONNECT request: 405 and close, never a silently dropped socket. */
export function connectAnswer(): string {
  const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'CONNECT is not allowed', data: { code: 'METHOD_NOT_ALLOWED' } } });
  return [
    'HTTP/1.1 405 Method Not Allowed',
    'Allow: GET, POST, DELETE',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers CONNECT (Node's 'connect' event: without a listener it drops the socket unanswered). */
export function answerConnect(_req: IncomingMessage, socket: Socket): void {
  socket.on('error', () => undefined);
  if (socket.writable) socket.end(connectAnswer()); else socket.destroy();
}

/**
 * Refuses client-initiated TLS renegotiation on a fresh TLS connection (TLS 1.2;
 * 1.3 has none). Node otherwise allows 3 per 10 minutes, each a costly handshake
 * an unauthenticated client can ask for on an open connection.
 */
export function refuseRenegotiation(socket: TLSSocket): void {
  socket.disableRenegotiation();
}
