import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import type { Palisade } from '../palisade.js';
import { stderrWarn, warnReach, type Warn } from '../reach.js';
import { PALISADE_VERSION } from '../version.js';

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
}

export { PALISADE_VERSION } from '../version.js';

/**
 * An official SDK `Server` whose tools/list and tools/call go through Palisade.
 * The low-level handlers are used so that the schema guard, not the SDK, answers
 * bad arguments (with UNKNOWN_FIELD / INVALID_PARAMS instead of a generic -32602).
 */
export function createMcpServer(palisade: Palisade, options: McpServerOptions): Server {
  const server = new Server(
    { name: options.name ?? 'palisade', version: options.version ?? PALISADE_VERSION },
    { capabilities: { tools: { listChanged: false } }, ...(options.instructions && { instructions: options.instructions }) },
  );
  const who = (extra: Extra): Principal => {
    const p = options.principal(extra);
    if (!p) throw new McpError(ErrorCode.InvalidRequest, 'AUTH_REQUIRED: no authenticated principal');
    return p;
  };

  // At start: a fixed principal (stdio, library mode) is judged now, so a typo in a grant is
  // reported before the first empty tools/list. A per-request principal (HTTP) gives undefined here.
  const warn = options.warn ?? stderrWarn;
  let fixed: Principal | undefined;
  try { fixed = options.principal({} as Extra); } catch { fixed = undefined; }
  if (fixed) warnReach(palisade.tools.values(), [fixed], warn);
  const warned = new Set<string>(fixed ? [fixed.id] : []);

  server.setRequestHandler(ListToolsRequestSchema, async (_req, extra) => {
    const principal = who(extra);
    const visible = palisade.visibleTools(principal);
    if (visible.length === 0 && !warned.has(principal.id) && warned.size < 1000) {
      warned.add(principal.id);
      warnReach(palisade.tools.values(), [principal], warn);
    }
    return { tools: visible.map(describe) };
  });

  // A loose outer schema: the SDK's own tools/call check then answers a malformed
  // request with -32602 Invalid params, instead of the -32603 Internal error that a
  // failed parse of the registered schema would produce.
  server.setRequestHandler(LooseCallTool as unknown as typeof CallToolRequestSchema, async (req, extra) => {
    const principal = who(extra);
    const meta = (req.params._meta ?? {}) as Record<string, unknown>;
    const sessionId = extra.sessionId ?? options.sessionId;
    return palisade.call(principal, req.params.name, req.params.arguments ?? {}, {
      meta,
      signal: extra.signal,
      transport: options.transport ?? 'mcp',
      ...(sessionId !== undefined && { sessionId }),
    });
  });

  return server;
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
