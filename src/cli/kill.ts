import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { openStore } from '../runtime.js';
import { createSwitchboard } from '../state/switches.js';
import { UsageError } from './main.js';

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const DOMAIN = /^[A-Za-z0-9*.-]{1,253}\.?$|^[^\s/:@]{1,253}$/;

/**
 * `palisade kill read-only on|off | quarantine add|remove TOOL | egress block|unblock DOMAIN`
 * Writes the switch into the state store; running servers sharing it apply it within a second.
 */
export async function kill(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string' } }, allowPositionals: true, strict: true });
  const [what, verb, target, ...extra] = positionals;
  if (extra.length) throw new UsageError('too many arguments');
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  const plan = parse(what, verb, target);
  const store = await openStore(loaded);
  const { config } = loaded;
  const switches = await createSwitchboard(store, {
    readOnly: config.killswitch.read_only,
    readOnlyForced: false,
    quarantine: config.killswitch.quarantine,
    egressBlock: config.egress.block,
  });
  try {
    await plan(switches);
    const s = switches.current();
    process.stdout.write(`read-only: ${s.readOnly ? 'on' : 'off'}; quarantined: ${[...s.quarantine].join(', ') || '(none)'}; egress blocked: ${[...s.egressBlock].join(', ') || '(none)'}\n`);
    return 0;
  } finally {
    switches.close();
    await store.close();
  }
}

type Plan = (s: Awaited<ReturnType<typeof createSwitchboard>>) => Promise<void>;

function parse(what?: string, verb?: string, target?: string): Plan {
  switch (what) {
    case 'read-only':
      if (target !== undefined) throw new UsageError('read-only takes on|off only');
      if (verb === 'on' || verb === 'off') return (s) => s.setReadOnly(verb === 'on');
      throw new UsageError('usage: palisade kill read-only on|off');
    case 'quarantine':
      if ((verb !== 'add' && verb !== 'remove') || !target) throw new UsageError('usage: palisade kill quarantine add|remove TOOL');
      if (!TOOL_NAME.test(target)) throw new UsageError('TOOL must be a tool name ([A-Za-z0-9_.-], up to 128 characters)');
      return (s) => s.setQuarantined(target, verb === 'add');
    case 'egress':
      if ((verb !== 'block' && verb !== 'unblock') || !target) throw new UsageError('usage: palisade kill egress block|unblock DOMAIN');
      if (!DOMAIN.test(target)) throw new UsageError('DOMAIN must be a host name');
      return (s) => s.setEgressBlocked(target, verb === 'block');
    default:
      throw new UsageError('usage: palisade kill read-only on|off | quarantine add|remove TOOL | egress block|unblock DOMAIN');
  }
}
