import { ConfigError } from '../core/errors.js';
import { PALISADE_VERSION } from '../version.js';
import { HELP, USAGE } from './help.js';

/** Exit codes of the command-line contract. */
export const EXIT = { OK: 0, CHECK_FAILED: 1, USAGE: 2 } as const;

/** Raised for a usage problem: one line on stderr, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).serve,
  demo: async () => (await import('./demo.js')).demo,
  token: async () => (await import('./token.js')).token,
  doctor: async () => (await import('./doctor.js')).doctor,
  kill: async () => (await import('./kill.js')).kill,
  init: async () => (await import('./init.js')).init,
  limits: async () => (await import('./limits.js')).limits,
  catalog: async () => (await import('./catalog.js')).catalog,
  audit: async () => (await import('./audit.js')).audit,
  policy: async () => (await import('./policy.js')).policy,
  approve: async () => (await import('./approve.js')).approve,
};

/** True when the user asked for help anywhere before a `--` terminator. */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${PALISADE_VERSION}\n`);
    return EXIT.OK;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    // `palisade help kill` is `palisade kill --help`.
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && HELP[topic]) { process.stdout.write(HELP[topic]); return EXIT.OK; }
    (name === undefined ? process.stderr : process.stdout).write(USAGE);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`palisade: unknown command "${name.slice(0, 40)}"; see palisade --help\n`);
    return EXIT.USAGE;
  }
  // Help and version are answered here, before a command parses its flags or touches any state.
  if (wantsHelp(rest)) { process.stdout.write(HELP[name] ?? USAGE); return EXIT.OK; }
  if (rest[0] === '--version') { process.stdout.write(`${PALISADE_VERSION}\n`); return EXIT.OK; }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || isParseArgsError(err)) {
      process.stderr.write(`palisade ${name}: ${(err as Error).message}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
