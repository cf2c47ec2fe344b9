import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ErrorCode,
  McpError,
  type GetPromptResult,
  type Prompt,
  type PromptMessage,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import type { ContentBlock } from '../core/content.js';
import { allow, deny, type Outcome, type StoredResult } from '../core/decision.js';
import { FaultError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Principal } from '../core/principal.js';
import type { PromptSurface, ResourceSurface, SurfaceCall, Surfaces } from '../core/surfaces.js';
import { mayReach, type Tool, type ToolContext } from '../core/tool.js';
import { scrub } from '../dlp/scrub.js';
import type { Palisade } from '../palisade.js';
import { globMatcher } from '../policy/conditions.js';
import type { UpstreamConfig } from './config.js';
import { scanDefinition } from './poison.js';
import type { Upstream, UpstreamRequest } from './upstream.js';
import { jsonSchemaValidator } from './validator.js';

/** The catalog entry a prompts/get of upstream `up` runs as (`/` never occurs in a tool name). */
export const promptEntry = (up: string) => `${up}/prompts.get`;
/** The catalog entry a resources/read of upstream `up` runs as. */
export const resourceEntry = (up: string) => `${up}/resources.read`;

const MAX_PAGES = 50;
const PROMPT_TTL_MS = 30_000;
const PROMPT_META = 'palisade/prompt';

const PROMPT_INPUT = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 },
    arguments: { type: 'object', additionalProperties: { type: 'string', maxLength: 65_536 }, maxProperties: 64 },
  },
  required: ['name'],
};
const RESOURCE_INPUT = {
  type: 'object',
  properties: { uri: { type: 'string', minLength: 1, maxLength: 2048 } },
  required: ['uri'],
};

/** True when `uri` is one the operator exposed for this upstream. */
function exposer(globs: readonly string[]): (uri: string) => boolean {
  const ms = globs.map(globMatcher);
  return (uri) => ms.some((m) => m(uri));
}

/** A template is exposed when a URI it produces can be: its `{...}` parts stand for any text. */
function templateExposed(exposed: (uri: string) => boolean, template: string): boolean {
  return exposed(template.replace(/\{[^}]*\}/g, 'x'));
}

/** The upstream request of one pipeline call: the caller's identity, its signal, and its log relay. */
export function upstreamRequest(ctx: ToolContext, timeoutMs: number): UpstreamRequest & { signal: AbortSignal; timeoutMs: number } {
  const log = ctx.invocation.client?.log;
  return {
    caller: ctx.principal,
    signal: ctx.signal,
    timeoutMs,
    // Upstream log data is third-party text: scrubbed like Palisade's own log lines.
    ...(log && { log: (level, data, logger) => { void log(level, scrub(data), logger).catch(() => undefined); } }),
  };
}

/**
 * The pipeline entries behind an upstream's prompts and resources: read tools that
 * tools/call cannot reach (`surface`), with the operator's scope, a strict input
 * schema, their own NOT_FOUND rule for names and URIs the operator did not expose,
 * and a content-level call whose result the redact stage sees like any tool's.
 */
export function surfaceTools(up: string, cfg: UpstreamConfig, conn: Upstream): Tool[] {
  const out: Tool[] = [];
  /** What both entries share: a read with the upstream's trust and timeout, answered only through `call`. */
  const entry = (surface: 'prompt' | 'resource', name: string, scope: string, input: Record<string, unknown>, own: Pick<Tool, 'rules' | 'call'>): Tool => Object.freeze({
    name, surface, scope,
    description: `${surface === 'prompt' ? 'prompts/get' : 'resources/read'} of upstream ${up}`,
    effect: 'read',
    cost: 0,
    input: jsonSchemaValidator(input),
    openWorld: true,
    untrusted: cfg.untrusted_results,
    timeoutMs: cfg.timeout_ms,
    handler: async () => { throw new FaultError('INTERNAL_ERROR', `upstream ${surface}s answer through call`); },
    ...own,
  } satisfies Tool);
  if (cfg.prompts) {
    const names = cfg.prompts.names ? new Set(cfg.prompts.names) : undefined;
    // The upstream's prompt definitions, re-listed at most every PROMPT_TTL_MS.
    let cached: { at: number; defs: Promise<Map<string, Prompt>> } | undefined;
    const definitions = (caller: Principal): Promise<Map<string, Prompt>> => {
      if (!cached || Date.now() - cached.at > PROMPT_TTL_MS) {
        const defs = conn.request((c, o) => pages(async (cursor) => {
          const r = await c.listPrompts(cursor ? { cursor } : {}, o);
          return { items: r.prompts, next: r.nextCursor };
        }), { caller }).then((list) => new Map(list.map((p) => [p.name, p])));
        cached = { at: Date.now(), defs };
        defs.catch(() => { if (cached?.defs === defs) cached = undefined; });
      }
      return cached.defs;
    };
    out.push(entry('prompt', promptEntry(up), cfg.prompts.scope ?? `${up}.prompts`, PROMPT_INPUT, {
      // Strict like a tool schema: the prompt must be one the upstream lists, with only the arguments it declares.
      rules: async (args, inv) => {
        const name = String(args['name']);
        if (names && !names.has(name)) return deny('NOT_FOUND', 'unknown prompt');
        const def = (await definitions(inv.principal)).get(name);
        if (!def) return deny('NOT_FOUND', 'unknown prompt');
        const given = Object.keys((args['arguments'] ?? {}) as Record<string, string>);
        const declared = new Set((def.arguments ?? []).map((a) => a.name));
        const unknown = given.find((k) => !declared.has(k));
        if (unknown !== undefined) return deny('UNKNOWN_FIELD', `unknown argument "${unknown.slice(0, 64)}" is not allowed`);
        const missing = (def.arguments ?? []).find((a) => a.required && !given.includes(a.name));
        if (missing) return deny('INVALID_PARAMS', `argument "${missing.name}" is required`);
        return allow();
      },
      call: async (args, ctx): Promise<StoredResult> => {
        const r = await conn.request((c, o) => c.getPrompt({ name: String(args['name']), ...(args['arguments'] !== undefined && { arguments: args['arguments'] as Record<string, string> }) }, o), upstreamRequest(ctx, cfg.timeout_ms));
        const messages = Array.isArray(r.messages) ? r.messages : [];
        return {
          content: messages.map((m) => m.content as ContentBlock),
          meta: { 'palisade/upstream': up, [PROMPT_META]: { roles: messages.map((m) => m.role), ...(typeof r.description === 'string' && { description: r.description }) } },
        };
      },
    }));
  }
  if (cfg.resources) {
    const exposed = exposer(cfg.resources.uris);
    out.push(entry('resource', resourceEntry(up), cfg.resources.scope ?? `${up}.resources`, RESOURCE_INPUT, {
      rules: (args) => (exposed(String(args['uri'])) ? allow() : deny('NOT_FOUND', 'unknown resource')),
      call: async (args, ctx): Promise<StoredResult> => {
        const r = await conn.request((c, o) => c.readResource({ uri: String(args['uri']) }, o), upstreamRequest(ctx, cfg.timeout_ms));
        const contents = Array.isArray(r.contents) ? r.contents : [];
        // Each content is an embedded resource block, so the redact stage scans its text like a tool's.
        return { content: contents.map((resource) => ({ type: 'resource', resource }) as ContentBlock), meta: { 'palisade/upstream': up } };
      },
    }));
  }
  return out;
}

/** A refusal or fault of the pipeline, as the JSON-RPC error prompts/get and resources/read answer with. */
function refusal(outcome: Exclude<Outcome, { kind: 'ok' }>, notFound: number): McpError {
  if (outcome.kind === 'fault') return new McpError(ErrorCode.InternalError, outcome.message, { code: outcome.code });
  const { code, message, retryAfterMs } = outcome.deny;
  const rpc = code === 'NOT_FOUND' ? notFound : code === 'INVALID_PARAMS' || code === 'UNKNOWN_FIELD' ? ErrorCode.InvalidParams : ErrorCode.InvalidRequest;
  return new McpError(rpc, message, { code, ...(retryAfterMs !== undefined && { retryAfterMs }) });
}

/** MCP's "resource not found" (spec: -32002). */
const RESOURCE_NOT_FOUND = -32002;

async function pages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await fetchPage(cursor);
    out.push(...r.items);
    if (!r.next) break;
    cursor = r.next;
  }
  return out;
}

export interface SurfaceDeps {
  readonly upstreams: Readonly<Record<string, UpstreamConfig>>;
  readonly connections: ReadonlyMap<string, Upstream>;
  readonly palisade: Palisade;
  readonly logger?: Logger;
}

/**
 * prompts/* and resources/* of every upstream that exposes them. Lists show only
 * what the principal's grants reach and the operator exposed; get, read and
 * subscribe go through the pipeline (`palisade.invoke` / `preflight` on the
 * surface's entry), so scopes, kill switches, policy, limits, DLP and audit hold
 * exactly as for tools/call. Lists never fail as a whole: an upstream that does
 * not answer is left out and logged.
 */
export function gatewaySurfaces(d: SurfaceDeps): Surfaces {
  const { palisade } = d;
  const withPrompts = Object.entries(d.upstreams).filter(([, c]) => c.prompts);
  const withResources = Object.entries(d.upstreams).filter(([, c]) => c.resources);
  const reachable = (principal: Principal, entry: string): boolean => {
    const t = palisade.catalog.get(entry);
    return t !== undefined && mayReach(principal, t) && !palisade.switches.current().quarantine.has(entry);
  };
  const listing = async <T>(up: string, principal: Principal, call: SurfaceCall, fn: (c: Client, o: { signal?: AbortSignal; timeout: number }) => Promise<T[]>): Promise<T[]> => {
    try {
      return await d.connections.get(up)!.request(fn, { caller: principal, ...(call.signal && { signal: call.signal }) });
    } catch (err) {
      d.logger?.warn({ upstream: up, err: (err as Error)?.message }, 'upstream list failed; its entries are left out');
      return [];
    }
  };
  const options = (call: SurfaceCall, surface: 'prompt' | 'resource') => ({ ...call, surface });
  const surfaces: Surfaces = {};

  if (withPrompts.length) {
    const prompts: PromptSurface = {
      async list(principal, call) {
        const all = await Promise.all(withPrompts.map(async ([up, cfg]) => {
          if (!reachable(principal, promptEntry(up))) return [];
          const names = cfg.prompts!.names ? new Set(cfg.prompts!.names) : undefined;
          const listed = await listing(up, principal, call, (c, o) => pages(async (cursor) => {
            const r = await c.listPrompts(cursor ? { cursor } : {}, o);
            return { items: r.prompts, next: r.nextCursor };
          }));
          const others = listed.map((p) => p.name);
          return listed.filter((p) => {
            if (names && !names.has(p.name)) return false;
            const findings = scanDefinition({ name: p.name, ...(p.description !== undefined && { description: p.description }), inputSchema: p.arguments }, { maxDescriptionChars: cfg.max_description_chars, otherTools: others });
            if (findings.length) d.logger?.warn({ upstream: up, prompt: p.name, rules: findings.map((f) => f.rule) }, 'upstream prompt hidden: its definition looks poisoned');
            return findings.length === 0;
          }).map((p): Prompt => ({ ...p, name: `${up}.${p.name}` }));
        }));
        return all.flat();
      },
      async get(principal, name, args, call) {
        const dot = name.indexOf('.');
        const up = dot > 0 ? name.slice(0, dot) : '';
        const entry = d.upstreams[up]?.prompts ? promptEntry(up) : `(prompt) ${name}`;
        const outcome = await palisade.invoke(principal, entry, { name: name.slice(dot + 1), ...(args !== undefined && { arguments: args }) }, options(call, 'prompt'));
        if (outcome.kind !== 'ok') throw refusal(outcome, ErrorCode.InvalidParams);
        const r = outcome.result;
        const meta = (r.meta?.[PROMPT_META] ?? {}) as { roles?: string[]; description?: string };
        const messages = r.content.map((content, i) => ({ role: meta.roles?.[i] === 'assistant' ? 'assistant' : 'user', content }) as PromptMessage);
        return { ...(meta.description !== undefined && { description: meta.description }), messages } satisfies GetPromptResult;
      },
    };
    surfaces.prompts = prompts;
  }

  if (withResources.length) {
    const exposedBy = withResources.map(([up, cfg]) => ({ up, exposed: exposer(cfg.resources!.uris), subscribe: cfg.resources!.subscribe }));
    /** The upstream serving `uri`: the first (in config order) whose globs expose it. */
    const route = (uri: string) => exposedBy.find((e) => e.exposed(uri));
    // uri -> subscriber (one per client session) -> its relay; the upstream is subscribed once per uri.
    const subs = new Map<string, Map<object, (uri: string) => void>>();
    for (const { up } of exposedBy) {
      d.connections.get(up)!.onResourceUpdated((uri) => {
        if (route(uri)?.up !== up) return;
        for (const notify of subs.get(uri)?.values() ?? []) notify(uri);
      });
    }
    /** Every page of one listing from each upstream the caller reaches, kept where `keep` says. */
    const fromEach = async <T>(
      principal: Principal, call: SurfaceCall,
      page: (c: Client, o: { signal?: AbortSignal; timeout: number }, cursor: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>,
      keep: (item: T, e: (typeof exposedBy)[number]) => boolean,
    ): Promise<T[]> => {
      const all = await Promise.all(exposedBy.map(async (e) => {
        if (!reachable(principal, resourceEntry(e.up))) return [];
        const listed = await listing(e.up, principal, call, (c, o) => pages((cursor) => page(c, o, cursor)));
        return listed.filter((item) => keep(item, e));
      }));
      return all.flat();
    };
    const upstreamUnsubscribe = async (uri: string) => {
      const r = route(uri);
      if (!r) return;
      await d.connections.get(r.up)!.request((c, o) => c.unsubscribeResource({ uri }, o), {}).catch((err: unknown) => {
        d.logger?.warn({ upstream: r.up, err: (err as Error)?.message }, 'upstream unsubscribe failed');
      });
    };
    const resources: ResourceSurface = {
      subscribe: exposedBy.some((e) => e.subscribe),
      // A URI two upstreams expose is served by the first: list it once, from there.
      list: (principal, call) => fromEach(principal, call, async (c, o, cursor) => {
        const r = await c.listResources(cursor ? { cursor } : {}, o);
        return { items: r.resources, next: r.nextCursor };
      }, (r: Resource, { up, exposed }) => exposed(r.uri) && route(r.uri)?.up === up),
      templates: (principal, call) => fromEach(principal, call, async (c, o, cursor) => {
        const r = await c.listResourceTemplates(cursor ? { cursor } : {}, o);
        return { items: r.resourceTemplates, next: r.nextCursor };
      }, (t: ResourceTemplate, { exposed }) => templateExposed(exposed, t.uriTemplate)),
      async read(principal, uri, call) {
        const r = route(uri);
        if (!r) throw new McpError(RESOURCE_NOT_FOUND, 'unknown resource', { code: 'NOT_FOUND' });
        const outcome = await palisade.invoke(principal, resourceEntry(r.up), { uri }, options(call, 'resource'));
        if (outcome.kind !== 'ok') throw refusal(outcome, RESOURCE_NOT_FOUND);
        const contents = outcome.result.content.flatMap((b) => (b.type === 'resource' ? [b.resource] : []));
        return { contents } as ReadResourceResult;
      },
      async watch(principal, uri, subscriber, onUpdated, call) {
        const r = route(uri);
        if (!r || !r.subscribe) throw new McpError(RESOURCE_NOT_FOUND, 'unknown resource', { code: 'NOT_FOUND' });
        // The same guards a read of this URI meets first (scopes, kill switches, schema), consuming nothing.
        const decision = await palisade.preflight(principal, resourceEntry(r.up), { uri }, options(call, 'resource'));
        if (!decision.allow) throw refusal({ kind: 'denied', deny: decision }, RESOURCE_NOT_FOUND);
        let set = subs.get(uri);
        const first = !set;
        if (!set) { set = new Map(); subs.set(uri, set); }
        set.set(subscriber, onUpdated);
        if (first) {
          try {
            await d.connections.get(r.up)!.request((c, o) => c.subscribeResource({ uri }, o), { caller: principal, ...(call.signal && { signal: call.signal }) });
          } catch (err) {
            set.delete(subscriber);
            if (set.size === 0) subs.delete(uri);
            if (err instanceof FaultError) throw new McpError(ErrorCode.InternalError, err.message, { code: err.code });
            throw err;
          }
        }
      },
      async unwatch(uri, subscriber) {
        const set = subs.get(uri);
        if (!set?.delete(subscriber) || set.size > 0) return;
        subs.delete(uri);
        await upstreamUnsubscribe(uri);
      },
      forget(subscriber) {
        for (const [uri, set] of subs) {
          if (!set.delete(subscriber) || set.size > 0) continue;
          subs.delete(uri);
          void upstreamUnsubscribe(uri);
        }
      },
    };
    surfaces.resources = resources;
  }
  if (Object.values(d.upstreams).some((c) => c.logging)) surfaces.logging = true;
  return surfaces;
}
