import type { IncomingMessage } from 'node:http';
import { InitializeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { refuse, type Refusal } from './http-errors.js';
import type { ParsedBody } from './hygiene.js';

/**
 * Everything the SDK transport would refuse in a session-opening request, judged
 * before a session (and the token's jti binding) exists: a refused initialize must
 * consume nothing (issue 8 item 2). Mirrors the SDK's checks with registry codes:
 * Accept (406), Content-Type (415), one initialize request with an id (an
 * initialize notification would be answered 202 and open a session no client
 * knows), and valid initialize params.
 */
export function openingRefusal(req: IncomingMessage, parsed: ParsedBody): Refusal | undefined {
  const accept = String(req.headers.accept ?? '');
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return refuse('NOT_ACCEPTABLE', 'Not Acceptable: the Accept header must list application/json and text/event-stream');
  }
  const type = String(req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json') return refuse('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: Content-Type must be application/json');
  if (parsed.messages.length !== 1) return refuse('INVALID_REQUEST', 'Invalid request: initialize must be sent alone', { rpc: -32600 });
  const m = parsed.messages[0]!;
  if (m['jsonrpc'] !== '2.0') return refuse('INVALID_REQUEST', 'Invalid request: not a JSON-RPC 2.0 message', { rpc: -32600 });
  const id = m['id'];
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)))) {
    return refuse('INVALID_REQUEST', 'Invalid request: initialize must be a request with an id', { rpc: -32600 });
  }
  if (!InitializeRequestSchema.safeParse(m).success) return refuse('INVALID_PARAMS', 'Invalid params: initialize', { rpc: -32602 });
  return undefined;
}
