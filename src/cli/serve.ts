import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/load.js';
import { createRuntime, type RuntimeOptions } from '../runtime.js';
import { createMcpServer } from '../transport/mcp.js';
import { PalisadeStdioTransport } from '../transport/stdio.js';
import { mcpServersSnippet, stdioLaunch } from './hosts.js';
import { UsageError } from './main.js';

/** `palisade serve [--stdio | --http] [--config FILE] [--host H] [--port P]` */
export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stdio: { type: 'boolean' },
      http: { type: 'boolean' },
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.stdio && values.http) throw new UsageError('choose one of --stdio and --http');
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  try {
    if (values.stdio) return await serveStdio(loaded);
    // Neither flag: HTTP, so that `npm start` serves HTTPS on loopback (issue 3).
    const { hostPort } = await import('./token.js');
    const { serveHttp } = await import('./serve-http.js');
    return await serveHttp(loaded, hostPort(values.host, values.port));
  } catch (err) {
    throw dataDirProblem(err, loaded.dataDir) ?? err;
  }
}

/**
 * A data directory that cannot be created (a desktop host starting in `/` with no
 * PALISADE_DATA_DIR: `mkdir '/.palisade'`) becomes one line that says what to set.
 */
export function dataDirProblem(err: unknown, dataDir: string): UsageError | undefined {
  const e = err as NodeJS.ErrnoException;
  if (!['EACCES', 'EPERM', 'EROFS'].includes(String(e?.code)) || typeof e.path !== 'string' || !e.path.startsWith(dataDir)) return undefined;
  return new UsageError(`cannot create the data directory ${dataDir} (${e.code}); set PALISADE_DATA_DIR (or server.data_dir) to an absolute folder you own (see docs/hosts.md)`);
}

/** Serves MCP on this process's stdin/stdout until the client goes away. */
export async function serveStdio(loaded: ReturnType<typeof loadConfig>, runtimeOptions: RuntimeOptions = {}): Promise<number> {
  const runtime = await createRuntime(loaded, runtimeOptions);
  const { logger, stdioPrincipal } = runtime;
  const server = createMcpServer(runtime.palisade, {
    name: loaded.config.server.name,
    principal: () => stdioPrincipal,
    transport: 'stdio',
    sessionId: randomUUID(),
    warn: (fields, message) => logger.warn(fields, message),
  });
  const transport = new PalisadeStdioTransport({ maxLineBytes: loaded.config.stdio.max_line_bytes });
  await server.connect(transport);
  logger.info({ principal: stdioPrincipal.id, tenant: stdioPrincipal.tenant, dataDir: loaded.dataDir }, 'palisade serving MCP on stdio');
  process.stderr.write(
    `palisade: serving ${runtime.palisade.catalog.list().length} tools over stdio as ${stdioPrincipal.id} (tenant ${stdioPrincipal.tenant}).\n` +
    `  Connect a desktop host with (Claude Desktop, Cursor; VS Code and more in docs/hosts.md):\n` +
    `  ${mcpServersSnippet(loaded.config.server.name, stdioLaunch(loaded))}\n`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await server.close().catch(() => undefined);
      await runtime.close().catch(() => undefined);
      resolve(0);
    };
    // Chained: createMcpServer's own onclose drops the catalog listener and the session's subscriptions.
    const closed = server.onclose;
    server.onclose = () => { closed?.(); void stop(); };
    process.stdin.on('end', () => { void stop(); });
    process.once('SIGINT', () => { void stop(); });
    process.once('SIGTERM', () => { void stop(); });
  });
}
