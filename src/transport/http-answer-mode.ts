import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/**
 * Per-call answer framing for the SDK's Streamable HTTP transport. The SDK picks
 * JSON or SSE once per transport (`enableJsonResponse`); Palisade picks per POST:
 * plain JSON when nothing can stream, SSE when something may:
 *   - a request carries `_meta.progressToken` (the pipeline reports progress), or
 *   - a tools/call from a client that declared `elicitation` (an in-band approval
 *     may ask the human mid-call; mcp.ts offers `elicit` only to such clients).
 * SSE framing costs a stream, events and chunked encoding for one message; JSON
 * answers the same bytes in one body (the issue-14 profile: ~1.4x at 16 clients).
 *
 * The transport keeps its mode in one field read at two synchronous points: when a
 * POST creates its response stream, and when a message is sent. This sets the field
 * just before each of them, from the request (POST) or from the kind of stream the
 * message goes to (send), so concurrent requests of one session cannot mix modes.
 * If the SDK's internals are not the shape this expects, nothing is patched and
 * every answer stays SSE (the SDK default): slower, never wrong.
 */
interface WebTransport {
  _enableJsonResponse: boolean;
  _requestToStreamMapping: Map<unknown, string>;
  _streamMapping: Map<string, { resolveJson?: unknown }>;
  handlePostRequest(req: Request, options?: { parsedBody?: unknown }): Promise<Response>;
  send(message: unknown, options?: { relatedRequestId?: unknown }): Promise<void>;
}

export function answerPerCall(transport: StreamableHTTPServerTransport, server: Server): boolean {
  const web = (transport as unknown as { _webStandardTransport?: WebTransport })._webStandardTransport;
  if (!web || typeof web._enableJsonResponse !== 'boolean' || !(web._requestToStreamMapping instanceof Map) || !(web._streamMapping instanceof Map)
    || typeof web.handlePostRequest !== 'function' || typeof web.send !== 'function') return false;
  const post = web.handlePostRequest.bind(web);
  const send = web.send.bind(web);
  web.handlePostRequest = (req, options) => {
    web._enableJsonResponse = !mayStream(options?.parsedBody, server.getClientCapabilities()?.elicitation !== undefined);
    return post(req, options);
  };
  web.send = (message, options) => {
    const m = message as { id?: unknown; result?: unknown; error?: unknown };
    const id = m.result !== undefined || m.error !== undefined ? m.id : options?.relatedRequestId;
    const stream = id === undefined ? undefined : web._streamMapping.get(web._requestToStreamMapping.get(id) ?? '');
    // Notifications and server requests of a JSON-answered call have nowhere to go; the SDK drops them, as in JSON mode.
    web._enableJsonResponse = stream !== undefined && stream.resolveJson !== undefined;
    return send(message, options);
  };
  return true;
}

/** True when answering this POST may need a stream (see above). */
export function mayStream(body: unknown, clientElicits: boolean): boolean {
  const messages = Array.isArray(body) ? body : [body];
  for (const m of messages) {
    if (m === null || typeof m !== 'object') continue;
    const params = (m as { params?: unknown }).params;
    const meta = params !== null && typeof params === 'object' ? (params as { _meta?: unknown })._meta : undefined;
    if (meta !== null && typeof meta === 'object' && (meta as Record<string, unknown>)['progressToken'] !== undefined) return true;
    if (clientElicits && (m as { method?: unknown }).method === 'tools/call') return true;
  }
  return false;
}
