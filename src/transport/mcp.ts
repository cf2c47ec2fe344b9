import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ClientChannel, ElicitAnswer, ElicitRequest, LogLevel } from '../core/invocation.js';
import type { SurfaceCall, Surfaces } from '../core/surfaces.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import type { Palisade } from '../palisade.js';
import { mayReach } from '../core/tool.js';
import { stderrWarn, warnReach, type Warn } from '../reach.js';
import { PALISADE_VERSION } from '../version.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { wireFilter } from './wire-filter.js';

const LooseCallTool = z.object({ method: z.literal('tools/call'), params: z.looseObject({}) });

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface McpServerOptions {
  readonly name?: string;
  readonly version?: string;
  /** Who is calling: fixed for stdio, from the verified token for HTTP. */
  readonly principal: (extra: Extra) => Principal | undefined;
  readonly transport?: string;
  /** Session id for transports without one of their own (stdio: one per process). */
  readonly sessionId?: string;
  readonly instructions?: string;
  /**
   * Where configuration warnings go (a grant that opens no tool, tools nobody can see).
   * Default: stderr. Pass your logger's `warn` (pino fits).
   */
  readonly warn?: Warn;
  /** W3C `traceparent` of the carrying request (HTTP header), used when `_meta` has none. */
  readonly traceparent?: (extra: Extra) => string | undefined;
}

export { PALISADE_VERSION } from '../version.js';

/**
 * An official SDK `Server` whose tools/list and tools/call go through Palisade.
 * The low-level handlers are used so that the schema guard, not the SDK, answers
 * bad arguments (with UNKNOWN_FIELD / INVALID_PARAMS instead of a generic -32602).
 */
export function createMcpServer(palisade: Palisade, options: McpServerOptions): Server {
  const surfaces = palisade.surfaces;
  const server = new FilteredServer(
    { name: options.name ?? 'palisade', version: options.version ?? PALISADE_VERSION },
    {
      capabilities: {
        tools: { listChanged: true },
        ...(surfaces.prompts && { prompts: { listChanged: false } }),
        ...(surfaces.resources && { resources: { listChanged: false, subscribe: surfaces.resources.subscribe } }),
        // logging/setLevel is answered by the SDK per session; relayed messages respect it.
        ...(surfaces.logging && { logging: {} }),
      },
      ...(options.instructions && { instructions: options.instructions }),
    },
  );
  // A catalog change (gateway upstreams, a re-approved tool) is announced to this client.
  const unsubscribe = palisade.catalog.onChange(() => { void server.sendToolListChanged().catch(() => undefined); });
  const onclose = server.onclose;
  server.onclose = () => { unsubscribe(); surfaces.resources?.forget(server); onclose?.(); };
  const who = (extra: Extra): Principal => {
    const p = options.principal(extra);
    if (!p) throw new McpError(ErrorCode.InvalidRequest, 'no authenticated principal', { code: 'AUTH_REQUIRED' });
    return p;
  };

  // At start: a fixed principal (stdio, library mode) is judged now, so a typo in a grant is
  // reported before the first empty tools/list. A per-request principal (HTTP) gives undefined here.
  const warn = options.warn ?? stderrWarn;
  let fixed: Principal | undefined;
  try { fixed = options.principal({} as Extra); } catch { fixed = undefined; }
  if (fixed) warnReach(palisade.catalog.list(), [fixed], warn);
  const warned = new Set<string>(fixed ? [fixed.id] : []);

  server.setRequestHandler(ListToolsRequestSchema, async (_req, extra) => {
    const principal = who(extra);
    const visible = palisade.visibleTools(principal);
    if (!warned.has(principal.id) && warned.size < 1000) {
      warned.add(principal.id);
      // Only a principal that reaches nothing is worth a line (step-up lists every tool, so judge reach itself).
      const tools = palisade.catalog.list();
      if (!tools.some((t) => mayReach(principal, t))) warnReach(tools, [principal], warn);
    }
    return { tools: visible.map(describe) };
  });

  // A loose outer schema: the SDK's own tools/call check then answers a malformed
  // request with -32602 Invalid params, instead of the -32603 Internal error that a
  // failed parse of the registered schema would produce.
  /** What every request that enters the pipeline carries: session, trace context, cancellation, the client channel. */
  const callOptions = (extra: Extra, meta: Record<string, unknown>): SurfaceCall => {
    const sessionId = extra.sessionId ?? options.sessionId;
    const traceparent = typeof meta['traceparent'] === 'string' ? undefined : options.traceparent?.(extra);
    return {
      meta: traceparent ? { ...meta, traceparent } : meta,
      signal: extra.signal,
      transport: options.transport ?? 'mcp',
      client: clientChannel(server, extra, meta, surfaces.logging === true),
      ...(sessionId !== undefined && { sessionId }),
    };
  };

  server.setRequestHandler(LooseCallTool as unknown as typeof CallToolRequestSchema, async (req, extra) =>
    palisade.call(who(extra), req.params.name, req.params.arguments ?? {}, callOptions(extra, (req.params._meta ?? {}) as Record<string, unknown>)));

  registerSurfaces(server, surfaces, who, callOptions);
  return server;
}

/**
 * The SDK server behind the wire filter: whatever transport it is connected to
 * (stdio, each HTTP session, in-memory), incoming messages are checked before the
 * SDK and outgoing errors carry a registry code (see wire-errors.ts).
 */
class FilteredServer extends Server {
  override connect(transport: Transport): Promise<void> {
    return super.connect(wireFilter(transport));
  }
}

/**
 * Gateway prompts and resources (when the Palisade has them): each handler is a thin
 * call into the surface, which runs the pipeline. A client session's subscriptions are
 * keyed by its server object and dropped when it closes.
 */
function registerSurfaces(server: Server, surfaces: Surfaces, who: (extra: Extra) => Principal, call: (extra: Extra, meta: Record<string, unknown>) => SurfaceCall): void {
  const metaOf = (params: unknown) => ((params as { _meta?: Record<string, unknown> } | undefined)?._meta ?? {});
  const { prompts, resources } = surfaces;
  if (prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, async (req, extra) => ({ prompts: await prompts.list(who(extra), call(extra, metaOf(req.params))) }));
    server.setRequestHandler(GetPromptRequestSchema, async (req, extra) => prompts.get(who(extra), req.params.name, req.params.arguments, call(extra, metaOf(req.params))));
  }
  if (resources) {
    server.setRequestHandler(ListResourcesRequestSchema, async (req, extra) => ({ resources: await resources.list(who(extra), call(extra, metaOf(req.params))) }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async (req, extra) => ({ resourceTemplates: await resources.templates(who(extra), call(extra, metaOf(req.params))) }));
    server.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => resources.read(who(extra), req.params.uri, call(extra, metaOf(req.params))));
    if (resources.subscribe) {
      server.setRequestHandler(SubscribeRequestSchema, async (req, extra) => {
        await resources.watch(who(extra), req.params.uri, server, (uri) => { void server.sendResourceUpdated({ uri }).catch(() => undefined); }, call(extra, metaOf(req.params)));
        return {};
      });
      server.setRequestHandler(UnsubscribeRequestSchema, async (req, extra) => {
        who(extra);
        await resources.unwatch(req.params.uri, server);
        return {};
      });
    }
  }
}

/** The SDK's per-session logging/setLevel filter (set when `logging` is declared). */
type LevelFilter = { isMessageIgnored?: (level: LogLevel, sessionId?: string) => boolean };

/** What the pipeline may ask of this client: elicitation when declared, progress when a token was sent, log messages when declared. */
/** A client that can take nothing back mid-call (no logging, elicitation or progress token): one shared channel. */
const NO_CHANNEL: ClientChannel = Object.freeze({});

function clientChannel(server: Server, extra: Extra, meta: Record<string, unknown>, logging = false): ClientChannel {
  const caps = server.getClientCapabilities();
  const token = meta['progressToken'];
  if (!logging && !caps?.elicitation && typeof token !== 'string' && typeof token !== 'number') return NO_CHANNEL;
  return {
    ...(logging && {
      log: async (level: LogLevel, data: unknown, logger?: string) => {
        if ((server as unknown as LevelFilter).isMessageIgnored?.(level, extra.sessionId)) return;
        await extra.sendNotification({ method: 'notifications/message', params: { level, data, ...(logger !== undefined && { logger }) } });
      },
    }),
    ...(caps?.elicitation && {
      elicit: async (request: ElicitRequest, o: { signal: AbortSignal; timeoutMs: number }): Promise<ElicitAnswer> => {
        const r = await server.elicitInput(
          { message: request.message, requestedSchema: request.requestedSchema } as Parameters<Server['elicitInput']>[0],
          { signal: o.signal, timeout: o.timeoutMs },
        );
        return { action: r.action, ...(r.content && { content: r.content as Record<string, unknown> }) };
      },
    }),
    ...((typeof token === 'string' || typeof token === 'number') && {
      progress: async (progress: number, total?: number, message?: string) => {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total !== undefined && { total }), ...(message !== undefined && { message }) } });
      },
    }),
  };
}

function describe(t: Tool): McpTool {
  return {
    name: t.name,
    ...(t.title !== undefined && { title: t.title }),
    description: t.description,
    inputSchema: t.input.jsonSchema as McpTool['inputSchema'],
    ...(t.output && { outputSchema: t.output.jsonSchema as McpTool['outputSchema'] }),
    annotations: {
      ...(t.title !== undefined && { title: t.title }),
      readOnlyHint: t.effect === 'read',
      destructiveHint: false,
      idempotentHint: t.effect === 'write',
      openWorldHint: t.openWorld ?? false,
    },
  };
}
