/** One help text per command: `palisade <command> --help` prints it on stdout and exits 0. */
export const HELP: Readonly<Record<string, string>> = {
  serve: `usage: palisade serve [--stdio | --http] [--config FILE] [--host H] [--port P]
  Serves the reference tools over MCP. Without a flag: Streamable HTTP over TLS on
  https://127.0.0.1:8443/mcp (development certificate and token printed at start).
  --stdio          MCP over stdin/stdout for a desktop host (prints the host snippet on stderr)
  --http           Streamable HTTP (the default)
  --config FILE    palisade.yaml (default: $PALISADE_CONFIG, else the embedded development default)
  --host H         bind address (default server.http.host, 127.0.0.1)
  --port P         port, 0 for any free one (default server.http.port, 8443)
  Environment: PALISADE_DATA_DIR (default ./.palisade), REDIS_URL, MCP_READ_ONLY=1, PALISADE_LOG_LEVEL.
`,
  demo: `usage: palisade demo
  Starts the server over stdio on a temporary data directory and a configuration
  file it prints, connects with the MCP SDK client and runs the smoke tests. PASS/FAIL per step.
`,
  token: `usage: palisade token [--sub S] [--tenant T] [--region R] [--scope S ...] [--ttl SECONDS]
                      [--aud URL] [--actor TYPE] [--config FILE] [--host H] [--port P]
  Mints a development JWT (the data directory's development issuer) and prints it alone on stdout.
  One token opens one MCP session. Refused when NODE_ENV=production.
  --aud URL        the audience (default: this configuration's resource URI, e.g. https://127.0.0.1:8443/mcp)
  --port P         mint for a server started with --port P
`,
  doctor: `usage: palisade doctor [--config FILE]
  The operate checklist against the configuration: one PASS/FAIL line per check, each FAIL
  followed by how to fix it. Exit 1 on any FAIL, 2 on a configuration error.
`,
  kill: `usage: palisade kill status
       palisade kill read-only on|off
       palisade kill quarantine add|remove TOOL [--force]
       palisade kill egress block|unblock DOMAIN
  options: [--config FILE] [--as NAME]
  Flips a kill switch in the state store that running servers share (SQLite <data dir>/state.db,
  or Redis when REDIS_URL is set); they apply it within a second. Refused (exit 2) when no server
  state exists there: start the server once, or point PALISADE_DATA_DIR / --config / REDIS_URL at it.
  Every flip is logged with who (--as, else the OS user) and when; \`kill status\` shows the log.
  --force          quarantine a tool name this installation does not know (e.g. a library tool)
`,
  catalog: `usage: palisade catalog lock | diff | approve TOOL [--config FILE] [--force]
  Gateway mode: pinned, signed upstream tool definitions (palisade.lock.json).
  lock             pin every live upstream definition that passes the poisoning scan (--force: all)
  diff             print drift against the lock; exit 1 when there is any
  approve TOOL     pin one tool's current definition and release its quarantine fleet-wide
`,
  limits: `usage: palisade limits show [--principal P] [--tenant T] [--json] [--config FILE]
  Current use of rate, concurrency and budget limits from the state store the servers share.
  A principal's counters live under its tenant: --tenant, else the configured stdio principal's tenant.
`,
  audit: `usage: palisade audit verify [DIR|FILE] [--bundle FILE] [--key PEM]
       palisade audit export --trace ID [--out FILE]
       palisade audit tail [--all] [--from-start]
  options: [--config FILE] [--dir DIR]
  The signed, hash-chained audit log of <data dir>/audit (or --dir).
  verify           check the chain and its signed checkpoints; exit 0 intact, 1 with the first bad record
  export           the evidence bundle for one trace
  tail             decisions as they happen, human-readable
`,
  init: `usage: palisade init [--prod] [--out FILE] [--force]
  Writes a commented starting palisade.yaml (default ./palisade.yaml; never overwrites without --force).
  --prod           a production-shaped file: mTLS, an identity provider, Vault, Redis (and its limits.prod.json)
`,
};

export const USAGE = `usage: palisade <command> [options]
  serve [--stdio | --http] [--config FILE] [--host H] [--port P]
  demo                        run the smoke tests through a real MCP client
  token [--sub S] [--scope S ...] [--ttl SECONDS] [--port P] [--config FILE]
  doctor [--config FILE]      the operate checklist against the config
  kill status | read-only on|off | quarantine add|remove TOOL | egress block|unblock DOMAIN
  init [--prod] [--out FILE]  write a commented starting palisade.yaml
  limits show [--principal P] [--tenant T] [--json]   current use of the limits
  catalog lock | diff | approve TOOL   gateway mode: pinned upstream tool definitions
  audit verify | export --trace ID | tail   the signed audit log
  policy test POLICY CASES | explain --tool T ...   policy cases (exit 1 on a failure) and rule-by-rule explanations
  approve ID                  approve a call that answered APPROVAL_REQUIRED (needs approvals.grant)
  --version                   print the version
Every command takes --help.
`;
