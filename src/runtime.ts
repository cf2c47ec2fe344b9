import { join } from 'node:path';
import { openInstanceAudit, type InstanceAudit } from './audit/instance.js';
import { logRecorder } from './audit/log-recorder.js';
import type { LoadedConfig } from './config/load.js';
import { ConfigError } from './core/errors.js';
import type { Principal } from './core/principal.js';
import { assertNoWildcardGrants } from './core/principal.js';
import { dlpRedactor } from './dlp/redactor.js';
import { createLogger, flushLogger, type PalisadeLogger } from './log.js';
import { createPalisade, type Palisade } from './palisade.js';
import { createMemoryStore } from './state/memory.js';
import { createRedisStore } from './state/redis.js';
import { createSqliteStore } from './state/sqlite.js';
import type { StateStore } from './state/store.js';
import { writeServerMarker } from './state/marker.js';
import { PALISADE_VERSION } from './version.js';
import { createSwitchboard, switchDefaults } from './state/switches.js';
import type { PalisadeConfig } from './config/schema.js';
import type { Tool } from './core/tool.js';
import { limits } from './guards/limits.js';
import { createCatalog, type MutableToolCatalog } from './core/catalog.js';
import type { Gateway } from './gateway/index.js';
import { openGateway } from './gateway/open.js';
import { secretsFromConfig } from './secrets/index.js';
import { createReferenceTools } from './tools/index.js';
import { createEgressClient, egressOptionsFromConfig } from './egress/index.js';
import { createWebFetchTool } from './tools/web-fetch.js';
import { argsContainSecret } from './dlp/facts.js';
import { policy as policyGuard, type PolicyGuardOptions } from './guards/policy.js';
import { BUILTIN_RULES } from './policy/builtin.js';
import { toolPolicyRules } from './policy/tool-rules.js';
import { watchPolicy, type PolicyWatcher } from './policy/watch.js';
import { telemetryFromConfig } from './telemetry/config.js';

/** The development stdio principal: reaches the rules the seed's smoke tests test. */
export const DEV_PRINCIPAL: Principal = Object.freeze({
  id: 'agent:dev',
  type: 'agent',
  tenant: 'acme',
  region: 'eu-west',
  grants: Object.freeze(['orders.read', 'flags.read', 'flags.write:dev', 'flags.write:staging', 'flags.write:prod', 'web.fetch']),
});

/** The secret holding the DLP `hash` master key (HMAC-SHA256, derived per tenant). */
export const DLP_HASH_KEY_SECRET = 'dlp_hash_key';

/** Everything a running server holds, built once from the configuration. */
export interface Runtime {
  readonly loaded: LoadedConfig;
  readonly palisade: Palisade;
  readonly store: StateStore;
  readonly logger: PalisadeLogger;
  readonly stdioPrincipal: Principal;
  /** The policy in force (hot-reloaded); `status()` feeds /readyz and doctor. */
  readonly policy: PolicyWatcher;
  /** This instance's signed audit chain (`<data dir>/audit/<instance>`). */
  readonly audit: InstanceAudit;
  /** Gateway mode: the upstreams and their pinned catalog (absent without `upstreams`). */
  readonly gateway?: Gateway;
  close(): Promise<void>;
}

/** The state backend: `state.backend`, or Redis when REDIS_URL is set (the documented contract), else SQLite. */
export function stateBackend(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): 'memory' | 'sqlite' | 'redis' {
  return loaded.config.state.backend ?? (env['REDIS_URL'] ? 'redis' : 'sqlite');
}

export async function openStore(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): Promise<StateStore> {
  switch (stateBackend(loaded, env)) {
    case 'memory': return createMemoryStore();
    case 'sqlite': return createSqliteStore({ file: join(loaded.dataDir, 'state.db') });
    case 'redis': {
      const url = env['REDIS_URL'];
      if (!url) throw new ConfigError(`${loaded.file ?? '(embedded default)'}: state.backend: redis needs REDIS_URL`);
      return createRedisStore({ url, prefix: loaded.config.state.redis_prefix });
    }
  }
}

export interface RuntimeOptions {
  readonly logger?: PalisadeLogger;
  readonly env?: NodeJS.ProcessEnv;
  /** How often the policy file is checked for changes. Default 1000 ms. */
  readonly policyReloadMs?: number;
  /** Approval TTL and the in-band question's timeout. */
  readonly approvals?: PolicyGuardOptions['approvals'];
  /** Gateway mode: how often upstreams are re-listed for drift (default 300 s). */
  readonly gatewayRecheckMs?: number;
}

export async function createRuntime(loaded: LoadedConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger();
  const { config } = loaded;
  const store = await openStore(loaded, env);
  const switches = await createSwitchboard(store, switchDefaultsFromConfig(config, env));
  const reference = config.server.reference_tools ? await createReferenceTools(loaded, env) : { tools: [], close: async () => undefined };
  // One egress client for the server; the block list is read live from the switchboard on every request and hop.
  const egressOptions = egressOptionsFromConfig(config.egress, { blocked: () => switches.current().egressBlock });
  const egress = createEgressClient(egressOptions);
  const local = config.server.reference_tools ? [...reference.tools, createWebFetchTool({ egress, maxTextChars: config.egress.max_text_chars })] : [];
  // One secrets provider for the whole runtime: one Vault client and cache, one token read.
  const secrets = secretsFromConfig(loaded, env);
  const served = applyToolSettings(loaded, local);
  // `hash` redaction keys come from the secrets provider, read on the first call that hashes
  const redactor = dlpRedactor({ logger, hashKey: () => secrets.get(DLP_HASH_KEY_SECRET) });
  // Tools' own rules first, then policy.yaml, then the built-in taint rules; a bad file stops start-up.
  const watcher = watchPolicy(loaded.policyFile, {
    toolRules: toolPolicyRules(served), builtins: BUILTIN_RULES, logger,
    ...(options.policyReloadMs !== undefined && { intervalMs: options.policyReloadMs }),
  });
  const policyStage = policyGuard({
    policy: () => watcher.current(), store, egressAllow: config.egress.allow, env: env['NODE_ENV'] ?? 'development',
    containsSecret: argsContainSecret,
    ...(options.approvals && { approvals: options.approvals }),
  });
  // A lease outlives the longest handler deadline, so a live call never loses its slot.
  const leaseMs = Math.max(60_000, ...served.map((t) => (t.timeoutMs ?? 30_000) + 30_000), ...Object.values(config.tools).map((t) => (t.timeout_ms ?? 30_000) + 30_000));
  const limitStage = limits({ store, entries: loaded.limits, tools: config.tools, leaseMs });
  const stdioPrincipal = config.stdio.principal ?? DEV_PRINCIPAL;
  assertNoWildcardGrants(stdioPrincipal.grants, 'stdio.principal');
  // audit.*: this instance's chain; write tools leave an intent record before they run (fail closed).
  const audit = await openInstanceAudit(loaded, { secrets, env, logger });
  // telemetry.*: spans from the stage observer and the recorder; nothing at all for `none`.
  let telemetry: Awaited<ReturnType<typeof telemetryFromConfig>>;
  let palisade: Palisade;
  let gateway: Gateway | undefined;
  try {
    telemetry = await telemetryFromConfig(config);
    const inner = createCatalog(served.map(audit.wrap));
    // Upstream tools the gateway adds later are wrapped the same way (intent before a write).
    const catalog: MutableToolCatalog = { ...inner, upsert: (tools) => inner.upsert(tools.map(audit.wrap)) };
    palisade = await createPalisade({
      tools: catalog, store, switches, logger, env, stepUp: config.auth.step_up, redactor,
      stages: { policy: policyStage, limits: limitStage },
      recorders: [audit.recorder, ...(telemetry ? [telemetry.recorder] : []), logRecorder(logger)],
      ...(telemetry && { onStage: telemetry.onStage }),
    });
    gateway = Object.keys(config.upstreams).length
      ? await openGateway(loaded, { catalog, switches, secrets, logger, ...(options.gatewayRecheckMs !== undefined && { recheckMs: options.gatewayRecheckMs }) })
      : undefined;
    // Upstream prompts and resources run the same pipeline; every transport opened later declares them.
    if (gateway) Object.assign(palisade.surfaces, gateway.surfaces(palisade));
  } catch (err) {
    watcher.close();
    await audit.close();
    await telemetry?.tracing.shutdown();
    throw err;
  }
  // Tells `palisade kill` that a server uses this store, and which tools it serves.
  await writeServerMarker(store, { version: PALISADE_VERSION, startedAt: new Date().toISOString(), tools: palisade.catalog.list().map((t) => t.name).sort() });
  return {
    loaded,
    palisade,
    store,
    logger,
    stdioPrincipal,
    policy: watcher,
    audit,
    ...(gateway && { gateway }),
    async close() {
      watcher.close();
      await gateway?.close();
      await palisade.close();
      await audit.close();
      await telemetry?.tracing.shutdown();
      switches.close();
      await reference.close();
      await store.close();
      await flushLogger(logger);
    },
  };
}

/** Kill-switch defaults from palisade.yaml plus MCP_READ_ONLY, built in one place for every command. */
export function switchDefaultsFromConfig(config: PalisadeConfig, env: NodeJS.ProcessEnv = process.env) {
  return switchDefaults({ readOnly: config.killswitch.read_only, quarantine: config.killswitch.quarantine, egressBlock: config.egress.block }, env);
}

/**
 * `tools.<name>` settings onto the served tools: `cost_usd` and `timeout_ms` act here
 * (`ticket_pattern` where flag.set is built). A name that is not a served tool would
 * be an inert key, so it stops start-up.
 */
export function applyToolSettings(loaded: LoadedConfig, tools: readonly Tool[]): Tool[] {
  const settings = loaded.config.tools;
  const names = new Set(tools.map((t) => t.name));
  for (const name of Object.keys(settings)) {
    if (!names.has(name)) throw new ConfigError(`${loaded.file ?? '(embedded default)'}: tools.${name}: no tool of that name is served`);
  }
  return tools.map((t) => {
    const s = settings[t.name];
    if (!s) return t;
    if (s.fail_open === true && t.effect !== 'read') {
      throw new ConfigError(`${loaded.file ?? '(embedded default)'}: tools.${t.name}.fail_open: only a read tool may fail open`);
    }
    return Object.freeze({
      ...t,
      ...(s.cost_usd !== undefined && { cost: s.cost_usd }),
      ...(s.timeout_ms !== undefined && { timeoutMs: s.timeout_ms }),
    });
  });
}
