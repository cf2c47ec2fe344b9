import { ConfigError } from '../core/errors.js';

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
  limits: async () => (await import('./limits.js')).limits,
  catalog: async () => (await import('./catalog.js')).catalog,
  audit: async () => (await import('./audit.js')).audit,
  policy: async () => (await import('./policy.js')).policy,
  approve: async () => (await import('./approve.js')).approve,
};

const USAGE = `usage: palisade <command> [options]
  serve [--stdio | --http] [--config FILE] [--host H] [--port P]
  demo                        run the seed's smoke tests through a real MCP client
  token [--config FILE] [--host H] [--port P] [--aud URL] [--sub S] [--tenant T] [--region R] [--scope S ...] [--ttl SECONDS]
  doctor [--config FILE]      the operate checklist against the config
  kill read-only on|off | quarantine add|remove TOOL | egress block|unblock DOMAIN
  limits show [--principal P] [--tenant T] [--json]   current use from the state store
  catalog lock | diff | approve TOOL   gateway mode: pinned, signed upstream tool definitions
  audit verify [DIR|FILE] [--bundle FILE] [--key PEM] | export --trace ID [--out FILE] | tail
  policy test POLICY CASES    each case's expected decision (exit 1 on a failure)
  policy explain --tool T [--policy FILE] [--arg k=v ...] [--tainted]   every rule considered, and why
  approve ID [--config FILE]  approve a call that answered APPROVAL_REQUIRED (needs approvals.grant)`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stderr.write(`${USAGE}\n`);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`palisade: unknown command "${name.slice(0, 40)}"; see palisade --help\n`);
    return EXIT.USAGE;
  }
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
