import { DEV_PRINCIPAL } from '../runtime.js';
import { BIN_PATH } from './hosts.js';

/** What `palisade serve --http` knows at start that a new user needs to make a first call. */
export interface BannerInput {
  readonly url: string;
  readonly notes: readonly string[];
  /** One development token per example: a token binds to the first MCP session that uses it. */
  readonly tokens?: { readonly curl: string; readonly example: string };
  /** The development CA/certificate file clients must trust. */
  readonly caFile?: string;
  readonly mode: string;
  /** How to mint more: the port and config this server was started with. */
  readonly port: number;
  /** Set when `--host` overrode the configured bind address (the audience follows it). */
  readonly host?: string;
  readonly configFile?: string;
}

/** The command that mints a token for this very server (same port, same config, so the same audience). */
export function tokenCommand(input: Pick<BannerInput, 'port' | 'host' | 'configFile'>): string {
  const host = input.host !== undefined ? ` --host ${input.host.includes(':') ? `[${input.host}]` : input.host}` : '';
  return `node ${BIN_PATH} token${input.configFile ? ` --config ${input.configFile}` : ''}${host} --port ${input.port}`;
}

/** The start-up text on stderr: where the server is, and a first call that works as printed. */
export function banner(b: BannerInput): string {
  const lines = [`palisade: serving MCP at ${b.url}`, ...b.notes.map((n) => `  note: ${n}`)];
  if (b.tokens) {
    const ca = b.caFile ? `--cacert ${b.caFile} ` : '';
    lines.push(
      '',
      `Development tokens below (sub ${DEV_PRINCIPAL.id}, tenant ${DEV_PRINCIPAL.tenant}, 10 minutes).`,
      'One token = one MCP session: each example has its own. Mint more with:',
      `  ${tokenCommand(b)}`,
      '',
      'Try it with curl:',
      `  export PALISADE_TOKEN=${b.tokens.curl}`,
      `  curl -sS ${ca}${b.url} \\`,
      `    -H "Authorization: Bearer $PALISADE_TOKEN" \\`,
      `    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\`,
      `    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}'`,
      '',
      'Or from TypeScript/JavaScript: save these lines as palisade-example.mjs in a folder where',
      '@modelcontextprotocol/sdk is installed (this repository will do) and run',
      `  PALISADE_TOKEN=${b.tokens.example} ${b.caFile ? `NODE_EXTRA_CA_CERTS=${b.caFile} ` : ''}node palisade-example.mjs`,
      '',
      `  import { Client } from '@modelcontextprotocol/sdk/client/index.js';`,
      `  import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';`,
      `  const transport = new StreamableHTTPClientTransport(new URL('${b.url}'),`,
      `    { requestInit: { headers: { Authorization: \`Bearer \${process.env.PALISADE_TOKEN}\` } } });`,
      `  const client = new Client({ name: 'my-agent', version: '1.0.0' });`,
      `  await client.connect(transport);`,
      `  console.log((await client.listTools()).tools.map((t) => t.name));`,
      `  await client.close();`,
    );
  } else if (b.mode === 'none') {
    lines.push('  auth.mode none: every request acts as the configured stdio principal (development only)');
  } else {
    lines.push(`  clients need a bearer JWT from a configured issuer, with aud = ${b.url.replace(/\/$/, '')} (or server.http.public_url)`);
  }
  return `${lines.join('\n')}\n`;
}
