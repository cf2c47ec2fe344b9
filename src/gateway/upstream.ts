import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ElicitRequestSchema,
  ErrorCode,
  McpError,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import type { LogLevel } from '../core/invocation.js';
import { DenyError, FaultError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Principal } from '../core/principal.js';
import type { UpstreamConfig } from './config.js';
import type { UpstreamCredentials } from './identity.js';

/** Who the current upstream request is for (credential headers), and how to reach that caller's human (elicitation). */
interface CallContext { readonly caller: Principal | undefined; readonly elicit?: UpstreamCall['elicit']; readonly log?: UpstreamCall['log'] }
const callerContext = new AsyncLocalStorage<CallContext>();

/** One request to the upstream on a pooled session, with the caller's credentials. */
export interface UpstreamRequest {
  readonly caller?: Principal;
  readonly signal?: AbortSignal;
  /** Default: the upstream's `timeout_ms`. */
  readonly timeoutMs?: number;
  /** Relays an upstream's `elicitation/create` to the caller's client (absent: declined). */
  readonly elicit?: (message: string, requestedSchema: Record<string, unknown>) => Promise<{ action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }>;
  /** Relays an upstream's log message sent while this request runs (absent: kept in Palisade's log only). */
  readonly log?: (level: LogLevel, data: unknown, logger?: string) => void;
}

/** A tools/call: the request options plus progress. */
export interface UpstreamCall extends UpstreamRequest {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly onprogress?: (p: { progress: number; total?: number; message?: string }) => void;
}

export interface UpstreamStatus {
  readonly name: string;
  readonly state: 'connected' | 'connecting' | 'down' | 'circuit-open';
  readonly sessions: number;
  readonly failures: number;
  readonly restarts: number;
}

export interface Upstream {
  readonly name: string;
  listTools(): Promise<McpTool[]>;
  callTool(tool: string, args: Record<string, unknown>, o: UpstreamCall): Promise<CallToolResult>;
  onToolsChanged(listener: () => void): void;
  /**
   * Runs `fn` on a pooled session with the caller's credentials, the timeout, the
   * breaker and the fault mapping of callTool (prompts/get, resources/read, ...).
   */
  request<T>(fn: (client: Client, o: { signal?: AbortSignal; timeout: number }) => Promise<T>, o: UpstreamRequest): Promise<T>;
  /** The upstream said a subscribed resource changed. */
  onResourceUpdated(listener: (uri: string) => void): void;
  status(): UpstreamStatus;
  close(): Promise<void>;
}

export interface UpstreamDeps {
  readonly credentials: UpstreamCredentials;
  /** For url upstreams: an egress-checked streaming fetch for this upstream's host. */
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  /** Consecutive failures that open the circuit (default 5), and for how long (default 10 s). */
  readonly breaker?: { readonly failures: number; readonly openMs: number };
}

/**
 * A pool of MCP client sessions to one upstream, reused across calls (opening a
 * session per call is what makes other gateways slow). A stdio upstream that
 * crashes is restarted on the next call; repeated failures open a circuit so a
 * dead upstream answers UPSTREAM_ERROR at once instead of hanging callers.
 */
export function connectUpstream(name: string, cfg: UpstreamConfig, deps: UpstreamDeps): Upstream {
  const log = deps.logger;
  const breaker = deps.breaker ?? { failures: 5, openMs: 10_000 };
  const slots: (Promise<Client> | undefined)[] = Array.from({ length: cfg.pool }, () => undefined);
  const changed = new Set<() => void>();
  const updated = new Set<(uri: string) => void>();
  let next = 0;
  let failures = 0;
  let openUntil = 0;
  let restarts = 0;
  let closed = false;
  const inflight = new WeakMap<Client, Set<CallContext>>();
  // Only per-caller credentials (token exchange over HTTP) need the caller inside the fetch. On Node 20
  // an AsyncLocalStorage that has run once hooks every promise in the process (about 2x their cost),
  // so every other upstream runs its calls outside it.
  const perCaller = cfg.url !== undefined && typeof cfg.auth === 'object' && 'token_exchange' in cfg.auth;
  const withCaller = <T>(ctx: CallContext, fn: () => Promise<T>): Promise<T> => (perCaller ? callerContext.run(ctx, fn) : fn());

  function transport(): Transport {
    if (cfg.command) {
      const [command, ...args] = cfg.command;
      // A minimal environment: the SDK's short safe list (PATH, HOME, ...) plus what the operator listed; never the gateway's own secrets.
      return new StdioClientTransport({ command: command!, args, env: { ...cfg.env }, ...(cfg.cwd && { cwd: cfg.cwd }), stderr: 'pipe' });
    }
    const f = deps.fetch;
    if (!f) throw new TypeError(`upstream ${name}: a url upstream needs an egress fetch`);
    const withCredentials = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.delete('authorization');
      for (const [k, v] of Object.entries(await deps.credentials(callerContext.getStore()?.caller))) headers.set(k, v);
      return f(input, { ...init, headers });
    }) as typeof fetch;
    return new StreamableHTTPClientTransport(new URL(cfg.url!), { fetch: withCredentials });
  }

  async function open(i: number): Promise<Client> {
    const client = new Client({ name: `palisade-gateway/${name}`, version: '0.1.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      // The request arrives on the upstream's stream, outside any caller's async context: relay it only when
      // exactly one call is in flight on this session, so a human is never asked about someone else's call.
      const live = inflight.get(client);
      const ctx = live && live.size === 1 ? [...live][0] : undefined;
      const params = req.params as { message?: unknown; requestedSchema?: unknown };
      if (!ctx?.elicit || typeof params.message !== 'string' || params.requestedSchema === null || typeof params.requestedSchema !== 'object') {
        log?.info({ upstream: name, relayed: false }, 'upstream elicitation declined: the caller cannot be asked');
        return { action: 'decline' as const };
      }
      const answer = await ctx.elicit(params.message.slice(0, 2000), params.requestedSchema as Record<string, unknown>);
      log?.info({ upstream: name, relayed: true, action: answer.action, actor: ctx.caller?.id }, 'upstream elicitation relayed to the caller');
      return answer;
    });
    const t = transport();
    client.onclose = () => { if (slots[i] && !closed) { slots[i] = undefined; restarts += 1; log?.warn({ upstream: name }, 'upstream session closed; it reopens on the next call'); } };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => { for (const l of changed) l(); });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { for (const l of updated) l(n.params.uri); });
    // Log messages arrive outside any caller's async context, like elicitation: relayed only
    // when exactly one call is in flight on this session, else kept in Palisade's own log.
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      const live = inflight.get(client);
      const ctx = live && live.size === 1 ? [...live][0] : undefined;
      if (cfg.logging && ctx?.log) ctx.log(n.params.level, n.params.data, n.params.logger);
      else log?.debug?.({ upstream: name, level: n.params.level }, 'upstream log message not relayed');
    });
    await client.connect(t, { timeout: cfg.timeout_ms });
    return client;
  }

  function session(): Promise<Client> {
    const i = next++ % slots.length;
    let s = slots[i];
    if (!s) {
      s = open(i);
      slots[i] = s;
      s.catch(() => { if (slots[i] === s) slots[i] = undefined; });
    }
    return s;
  }

  async function guarded<T>(fn: (c: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (closed) throw new FaultError('UPSTREAM_ERROR', `upstream ${name} is closed`);
    if (Date.now() < openUntil) throw new FaultError('UPSTREAM_ERROR', `upstream ${name} is failing; calls are refused for a moment (circuit open)`);
    try {
      const r = await fn(await session());
      failures = 0;
      return r;
    } catch (err) {
      if (err instanceof DenyError) throw err;
      // The upstream answered with a JSON-RPC error (an unknown prompt, a resource it does not have):
      // an answer, not a failure. Its own text stays here; the caller gets ours.
      if (err instanceof McpError && err.code !== ErrorCode.RequestTimeout && err.code !== ErrorCode.ConnectionClosed) {
        failures = 0;
        log?.info({ upstream: name, rpc: err.code }, 'upstream answered an error');
        throw new FaultError('UPSTREAM_ERROR', `upstream ${name} refused the request (${err.code})`);
      }
      // A call the client cancelled is not the upstream's failure: no breaker count, no restart.
      if (signal?.aborted) throw new FaultError('UPSTREAM_ERROR', `upstream ${name}: the call was cancelled`);
      failures += 1;
      if (failures >= breaker.failures) { openUntil = Date.now() + breaker.openMs; failures = 0; }
      log?.warn({ upstream: name, err: (err as Error)?.name }, 'upstream call failed');
      if (err instanceof FaultError) throw new FaultError('UPSTREAM_ERROR', err.message.startsWith('upstream') ? err.message : `upstream ${name}: ${err.message}`);
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new FaultError('UPSTREAM_ERROR', `upstream ${name} failed to answer`);
    }
  }

  async function track<T>(c: Client, ctx: CallContext, fn: () => Promise<T>): Promise<T> {
    let set = inflight.get(c);
    if (!set) { set = new Set(); inflight.set(c, set); }
    set.add(ctx);
    try { return await fn(); } finally { set.delete(ctx); }
  }

  function request<T>(fn: (c: Client, o: { signal?: AbortSignal; timeout: number }) => Promise<T>, o: UpstreamRequest): Promise<T> {
    const ctx: CallContext = { caller: o.caller, ...(o.elicit && { elicit: o.elicit }), ...(o.log && { log: o.log }) };
    const timeout = o.timeoutMs ?? cfg.timeout_ms;
    return guarded((c) => track(c, ctx, () => withCaller(ctx, () => fn(c, { ...(o.signal && { signal: o.signal }), timeout }))), o.signal);
  }

  return {
    name,
    async listTools() {
      return guarded(async (c) => {
        const out: McpTool[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 50; page++) {
          const r = await c.listTools(cursor ? { cursor } : {}, { timeout: cfg.timeout_ms });
          out.push(...r.tools);
          if (!r.nextCursor) break;
          cursor = r.nextCursor;
        }
        return out;
      });
    },
    callTool(tool, args, o) {
      return request((c, r) => c.callTool({ name: tool, arguments: args }, undefined, {
        ...r,
        ...(o.onprogress && { onprogress: o.onprogress, resetTimeoutOnProgress: false }),
      }) as Promise<CallToolResult>, o);
    },
    onToolsChanged(l) { changed.add(l); },
    onResourceUpdated(l) { updated.add(l); },
    request,
    status() {
      const live = slots.filter(Boolean).length;
      return { name, state: Date.now() < openUntil ? 'circuit-open' : live ? 'connected' : failures ? 'down' : 'connecting', sessions: live, failures, restarts };
    },
    async close() {
      closed = true;
      await Promise.all(slots.map(async (s) => { try { await (await s)?.close(); } catch { /* already gone */ } }));
    },
  };
}
