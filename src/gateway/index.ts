import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { ContentBlock } from '../core/content.js';
import type { MutableToolCatalog } from '../core/catalog.js';
import type { StoredResult } from '../core/decision.js';
import { FaultError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Tool } from '../core/tool.js';
import type { Switchboard } from '../state/switches.js';
import type { UpstreamConfig } from './config.js';
import { definitionDigest, diffLock, readLock, signLock, writeLock, type LockFile } from './lock.js';
import { scanDefinition, type PoisonFinding } from './poison.js';
import type { Upstream } from './upstream.js';
import { jsonSchemaValidator } from './validator.js';
import { gatewaySurfaces, surfaceTools, upstreamRequest } from './surfaces.js';
import type { Palisade } from '../palisade.js';

export { UpstreamsSchema, type UpstreamConfig } from './config.js';

const IDEM = { idemKey: { type: 'string', format: 'uuid', description: "Palisade's idempotency key (UUID); never forwarded" } };

/** One imported definition, as the upstream published it. */
export interface LiveDefinition {
  readonly upstream: string;
  readonly name: string;
  readonly qualified: string;
  readonly def: McpTool;
  readonly digest: string;
  readonly findings: readonly PoisonFinding[];
  readonly listed: boolean;
}

export interface GatewayOptions {
  readonly upstreams: Readonly<Record<string, UpstreamConfig>>;
  readonly connections: ReadonlyMap<string, Upstream>;
  readonly catalog: MutableToolCatalog;
  readonly switches: Switchboard;
  readonly lockFile: string;
  readonly lockKey: { privateKey: import('node:crypto').KeyObject; publicPem: string };
  readonly logger?: Logger;
}

export interface GatewayState {
  readonly blocked: ReadonlyMap<string, string>;
  readonly drift: ReturnType<typeof diffLock>;
  readonly lockProblem?: string;
}

/**
 * Gateway mode: upstream MCP servers' tools behind the same pipeline. Each listed
 * upstream tool becomes a Palisade Tool named `<upstream>.<tool>` with the effect,
 * scope, cost and data classes the operator gave it (never the upstream's hints),
 * a strict JSON Schema validator, and a content-level handler that calls the
 * upstream through a pooled session. Definitions are pinned in a signed lock; a
 * changed or poisoned definition is quarantined fleet-wide until approved.
 */
export function createGateway(o: GatewayOptions) {
  const log = o.logger;
  let state: GatewayState = { blocked: new Map(), drift: { changed: [], added: [], removed: [] } };
  const published = new Map<string, string>();
  // prompts/get and resources/read entries: fixed by the configuration, so published once.
  o.catalog.upsert(Object.entries(o.upstreams).flatMap(([up, cfg]) => surfaceTools(up, cfg, o.connections.get(up)!)));

  async function live(): Promise<LiveDefinition[]> {
    const out: LiveDefinition[] = [];
    for (const [up, cfg] of Object.entries(o.upstreams)) {
      const conn = o.connections.get(up)!;
      const tools = await conn.listTools();
      const names = tools.map((t) => t.name);
      for (const def of tools) {
        const listed = cfg.tools[def.name] !== undefined;
        if (!listed && cfg.import !== 'all') continue;
        out.push({
          upstream: up, name: def.name, qualified: `${up}.${def.name}`, def, listed,
          digest: definitionDigest(def),
          findings: scanDefinition(def, { maxDescriptionChars: cfg.max_description_chars, otherTools: names }),
        });
      }
      for (const n of Object.keys(cfg.tools)) if (!names.includes(n)) log?.warn({ upstream: up, tool: n }, 'a configured upstream tool is not offered by the upstream');
    }
    return out;
  }

  function toTool(d: LiveDefinition): Tool {
    const cfg = o.upstreams[d.upstream]!;
    const t = cfg.tools[d.name];
    const effect = t?.effect ?? 'write';
    const conn = o.connections.get(d.upstream)!;
    const timeoutMs = t?.timeout_ms ?? cfg.timeout_ms;
    const schema = (d.def.inputSchema ?? { type: 'object' }) as Record<string, unknown>;
    return Object.freeze({
      name: d.qualified,
      description: d.def.description ?? '',
      ...(d.def.title !== undefined && { title: d.def.title }),
      effect,
      scope: t?.scope ?? `${d.upstream}.${d.name}`,
      cost: t?.cost_usd ?? 0,
      input: jsonSchemaValidator(schema, effect === 'write' ? IDEM : {}),
      openWorld: true,
      untrusted: t?.untrusted ?? cfg.untrusted_results,
      timeoutMs,
      ...(t?.data && { data: Object.freeze([...t.data]) }),
      handler: async () => { throw new FaultError('INTERNAL_ERROR', 'upstream tools answer through call'); },
      call: async (args, ctx): Promise<StoredResult> => {
        // idemKey is Palisade's: the upstream never sees it.
        const { idemKey: _k, ...rest } = args;
        const progress = ctx.invocation.client?.progress;
        const elicit = ctx.invocation.client?.elicit;
        const r = await conn.callTool(d.name, rest, {
          ...upstreamRequest(ctx, timeoutMs),
          ...(progress && { onprogress: (p: { progress: number; total?: number; message?: string }) => { void progress(p.progress, p.total, p.message).catch(() => undefined); } }),
          ...(elicit && { elicit: async (message: string, requestedSchema: Record<string, unknown>) => elicit({ message: `[${d.upstream}] ${message}`, requestedSchema }, { signal: ctx.signal, timeoutMs: 120_000 }) }),
        });
        return {
          content: (Array.isArray(r.content) ? r.content : []) as ContentBlock[],
          ...(r.structuredContent !== undefined && { structuredContent: r.structuredContent as Record<string, unknown> }),
          meta: { 'palisade/upstream': d.upstream },
          ...(r.isError === true && { isError: true }),
        };
      },
    } satisfies Tool);
  }

  /**
   * Lists every upstream, compares with the lock, (re)publishes the tools and
   * quarantines what drifted or looks poisoned. With no lock yet, the first clean
   * definitions are pinned (trust on first use) and said so in the log.
   */
  async function refresh(): Promise<GatewayState> {
    const defs = await live();
    const digests = Object.fromEntries(defs.map((d) => [d.qualified, d.digest]));
    const check = readLock(o.lockFile, o.lockKey.publicPem);
    let lock: LockFile | undefined;
    let lockProblem: string | undefined;
    if (!check.ok) { lockProblem = check.reason; log?.error({ file: o.lockFile, reason: check.reason }, 'catalog lock refused; every upstream tool is blocked'); }
    else lock = check.lock;
    if (check.ok && !lock) {
      const clean = Object.fromEntries(defs.filter((d) => d.findings.length === 0).map((d) => [d.qualified, d.digest]));
      lock = signLock(clean, o.lockKey);
      writeLock(o.lockFile, lock);
      log?.warn({ file: o.lockFile, tools: Object.keys(clean).length }, 'no catalog lock: pinned the current upstream definitions (trust on first use)');
    }
    const drift = diffLock(digests, lock);
    const blocked = new Map<string, string>();
    for (const d of defs) {
      const pinned = lock?.tools[d.qualified];
      if (!lock) blocked.set(d.qualified, 'catalog lock is not valid');
      else if (pinned === undefined) blocked.set(d.qualified, d.findings.length ? `definition looks poisoned (${d.findings.map((f) => f.rule).join(', ')})` : 'definition is not pinned in the catalog lock');
      else if (pinned !== d.digest) blocked.set(d.qualified, 'definition changed since it was pinned');
    }
    const prev = state.blocked;
    for (const [name, why] of blocked) {
      if (!prev.has(name)) log?.error({ tool: name, why }, 'upstream tool quarantined until `palisade catalog approve`');
      if (!o.switches.current().quarantine.has(name)) await o.switches.setQuarantined(name, true);
    }
    // A tool this gateway quarantined that matches the lock again (approved) is released.
    for (const name of prev.keys()) if (!blocked.has(name) && o.switches.current().quarantine.has(name)) await o.switches.setQuarantined(name, false);
    const gone = [...published.keys()].filter((n) => digests[n] === undefined);
    for (const n of gone) published.delete(n);
    o.catalog.remove(gone);
    const fresh = defs.filter((d) => published.get(d.qualified) !== d.digest);
    for (const d of fresh) published.set(d.qualified, d.digest);
    o.catalog.upsert(fresh.map(toTool));
    state = { blocked, drift, ...(lockProblem && { lockProblem }) };
    return state;
  }

  return {
    refresh,
    live,
    state: () => state,
    status: () => [...o.connections.values()].map((c) => c.status()),
    /** prompts/* and resources/* of the upstreams that expose them, through `palisade`'s pipeline. */
    surfaces: (palisade: Palisade) => gatewaySurfaces({ upstreams: o.upstreams, connections: o.connections, palisade, ...(log && { logger: log }) }),
    async close() { await Promise.all([...o.connections.values()].map((c) => c.close())); },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
