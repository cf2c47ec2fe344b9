/**
 * The load generator, in its own process (forked by bench/http.ts over IPC): N SDK
 * clients, each its own MCP session over one keep-alive TLS pool, calling the read
 * tool back to back. After warmMs it records each call's latency for durMs; then
 * every client ends its session (DELETE) so the server is left clean.
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { sampleOf, type Sample } from './lib/stats.js';
import { READ } from './lib/tools.js';

export interface LoadJob {
  readonly url: string;
  /** One bearer token per client (undefined: none sent). */
  readonly tokens: readonly (string | undefined)[];
  readonly warmMs: number;
  readonly durMs: number;
  readonly ca: string;
}

async function run(job: LoadJob): Promise<Sample & { errors: number; total: number }> {
  const dispatcher = new Agent({ connect: { ca: job.ca }, keepAliveTimeout: 10_000, connections: 128 });
  const f = ((u: string | URL, init?: RequestInit) => undiciFetch(u, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
  const clients = await Promise.all(job.tokens.map(async (token) => {
    const transport = new StreamableHTTPClientTransport(new URL(job.url), {
      fetch: f, ...(token !== undefined && { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
    });
    const client = new Client({ name: 'bench-load', version: '0' });
    await client.connect(transport);
    return { client, transport };
  }));
  const lat: number[] = [];
  let errors = 0;
  let total = 0;
  const t0 = performance.now();
  const from = t0 + job.warmMs;
  const until = from + job.durMs;
  await Promise.all(clients.map(async ({ client }) => {
    for (;;) {
      const s = performance.now();
      if (s >= until) return;
      try {
        const r = await client.callTool({ name: READ.name, arguments: READ.args });
        if (r.isError) errors++;
      } catch {
        errors++;
      }
      total++;
      if (s >= from) lat.push(performance.now() - s);
    }
  }));
  const sample = sampleOf(lat, job.durMs);
  await Promise.all(clients.map(async ({ client, transport }) => {
    await transport.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }));
  await dispatcher.close();
  return { ...sample, errors, total };
}

process.on('message', (job: LoadJob) => {
  run(job).then((r) => process.send!({ ok: true, result: r }), (err: Error) => process.send!({ ok: false, error: err.message }));
});
