import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/**
 * Re-creates, on this instance, an MCP session another instance opened, with the SDK's
 * public API only: the fresh transport (whose `sessionIdGenerator` returns the existing id)
 * and its connected Server are taken through the client's original initialize request and
 * the initialized notification, in process. Afterwards the transport validates the session
 * id as its own and the Server knows the client's capabilities, exactly as on the first
 * instance. Nothing of this exchange reaches the network.
 */
export async function reviveSession(
  transport: StreamableHTTPServerTransport,
  sessionId: string,
  init: Readonly<Record<string, unknown>>,
): Promise<boolean> {
  const protocolVersion = typeof init['protocolVersion'] === 'string' ? init['protocolVersion'] : undefined;
  const first = await inProcess(transport, { jsonrpc: '2.0', id: '__palisade_revive__', method: 'initialize', params: init }, {});
  if (first !== 200 || transport.sessionId !== sessionId) return false;
  const headers: Record<string, string> = { 'mcp-session-id': sessionId, ...(protocolVersion && { 'mcp-protocol-version': protocolVersion }) };
  return (await inProcess(transport, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)) === 202;
}

/** One POST through the transport on a request and response that live only in memory; the body is discarded. */
async function inProcess(transport: StreamableHTTPServerTransport, body: unknown, extra: Record<string, string>): Promise<number> {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/mcp';
  req.headers = { host: 'palisade.internal', 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...extra };
  req.rawHeaders = Object.entries(req.headers).flatMap(([k, v]) => [k, String(v)]);
  req.push(JSON.stringify(body));
  req.push(null);
  const res = new ServerResponse(req);
  res.assignSocket(new Writable({ write(_c, _e, cb) { cb(); } }) as unknown as Socket);
  await transport.handleRequest(req, res, body);
  return res.statusCode;
}
