import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { createSwitchboard, type SwitchState, type Switchboard } from '../state/switches.js';
import { listSwitchEvents, recordSwitchEvent } from '../state/switch-events.js';
import { REFERENCE_TOOL_NAMES } from '../tools/names.js';
import { openKillTarget } from './kill-store.js';
import { UsageError } from './main.js';

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const DOMAIN = /^[A-Za-z0-9*.-]{1,253}\.?$|^[^\s/:@]{1,253}$/;
const WHO = /^[A-Za-z0-9_.@:+-]{1,64}$/;
const USAGE = 'usage: palisade kill status | read-only on|off | quarantine add|remove TOOL [--force] | egress block|unblock DOMAIN';

interface Plan { readonly action: string; readonly tool?: string; apply(s: Switchboard): Promise<void> }

/**
 * `palisade kill status | read-only on|off | quarantine add|remove TOOL | egress block|unblock DOMAIN`
 * Writes the switch into the state store a running server uses (refusing, exit 2,
 * when no server has used it), logs who flipped it and when, and prints which store changed.
 */
export async function kill(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, as: { type: 'string' }, force: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [what, verb, target, ...extra] = positionals;
  if (extra.length) throw new UsageError('too many arguments');
  const status = what === 'status';
  if (status && verb !== undefined) throw new UsageError('status takes no arguments');
  const plan = status ? undefined : parse(what, verb, target);
  const who = values.as ?? osUser();
  if (!WHO.test(who)) throw new UsageError('--as must be a short name ([A-Za-z0-9_.@:+-], up to 64 characters)');
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  const { store, where, marker } = await openKillTarget(loaded);
  try {
    if (plan?.tool !== undefined && !values.force) {
      const known = knownTools(loaded.config, marker.tools);
      if (!known.has(plan.tool)) {
        throw new UsageError(`"${plan.tool}" is not a tool this server knows (known: ${[...known].sort().join(', ')}); nothing was changed. Re-run with --force to quarantine the name anyway`);
      }
    }
    const { config } = loaded;
    const switches = await createSwitchboard(store, {
      readOnly: config.killswitch.read_only,
      readOnlyForced: false,
      quarantine: config.killswitch.quarantine,
      egressBlock: config.egress.block,
    }, { refreshMs: 60_000 });
    try {
      process.stdout.write(`store: ${where}\n`);
      if (plan) {
        await plan.apply(switches);
        const at = new Date().toISOString();
        await recordSwitchEvent(store, { at, who, action: plan.action, host: hostname().slice(0, 64) });
        process.stdout.write(`changed: ${plan.action} (by ${who} at ${at}); running servers on this store apply it within a second\n`);
      }
      process.stdout.write(`${describe(switches.current())}\n`);
      if (status) {
        process.stdout.write(`server: version ${marker.version}, last started ${marker.startedAt}\n`);
        const events = await listSwitchEvents(store, 20);
        process.stdout.write(events.length ? 'recent changes:\n' : 'recent changes: (none)\n');
        for (const e of events) process.stdout.write(`  ${e.at} ${e.who}${e.host ? `@${e.host}` : ''}: ${e.action}\n`);
      }
      return 0;
    } finally {
      switches.close();
    }
  } finally {
    await store.close();
  }
}

/**
 * Tool names this installation serves: what the server recorded at its last start,
 * the reference tools when enabled, configured tool settings, and listed upstream tools.
 */
export function knownTools(config: LoadedConfig['config'], fromServer: readonly string[]): Set<string> {
  const upstream = Object.entries(config.upstreams).flatMap(([u, cfg]) => Object.keys(cfg.tools).map((t) => `${u}.${t}`));
  return new Set([...fromServer, ...(config.server.reference_tools ? REFERENCE_TOOL_NAMES : []), ...Object.keys(config.tools), ...upstream]);
}

function describe(s: SwitchState): string {
  return `read-only: ${s.readOnly ? 'on' : 'off'}; quarantined: ${[...s.quarantine].join(', ') || '(none)'}; egress blocked: ${[...s.egressBlock].join(', ') || '(none)'}`;
}

function osUser(): string {
  try { return userInfo().username || 'unknown'; } catch { return 'unknown'; }
}

function parse(what?: string, verb?: string, target?: string): Plan {
  switch (what) {
    case 'read-only':
      if (target !== undefined) throw new UsageError('read-only takes on|off only');
      if (verb === 'on' || verb === 'off') return { action: `read-only ${verb}`, apply: (s) => s.setReadOnly(verb === 'on') };
      throw new UsageError('usage: palisade kill read-only on|off');
    case 'quarantine':
      if ((verb !== 'add' && verb !== 'remove') || !target) throw new UsageError('usage: palisade kill quarantine add|remove TOOL');
      if (!TOOL_NAME.test(target)) throw new UsageError('TOOL must be a tool name ([A-Za-z0-9_.-], up to 128 characters)');
      // Removing is always allowed: it is how a mistaken --force entry is undone.
      return { action: `quarantine ${verb} ${target}`, ...(verb === 'add' && { tool: target }), apply: (s) => s.setQuarantined(target, verb === 'add') };
    case 'egress':
      if ((verb !== 'block' && verb !== 'unblock') || !target) throw new UsageError('usage: palisade kill egress block|unblock DOMAIN');
      if (!DOMAIN.test(target)) throw new UsageError('DOMAIN must be a host name');
      return { action: `egress ${verb} ${target.toLowerCase()}`, apply: (s) => s.setEgressBlocked(target, verb === 'block') };
    default:
      throw new UsageError(USAGE);
  }
}
