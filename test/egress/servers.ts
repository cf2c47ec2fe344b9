import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedAddress, Resolver } from '../../src/egress/index.js';

/** A loopback HTTP server that counts the requests it sees. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  readonly hits: { method: string; url: string; host: string }[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Starts a server on a loopback address and port 0 (or a given port, for a second canary on the same port). */
export async function startServer(host: string, handler: Handler, port = 0): Promise<TestServer> {
  const hits: TestServer['hits'] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '' });
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    host,
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Answers text with a content type. */
export function text(body: string, type = 'text/plain; charset=utf-8', status = 200): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
}

/** A resolver from a fixed table: unknown names fail like NXDOMAIN; it never touches real DNS. */
export function tableResolver(table: Readonly<Record<string, readonly string[]>>, calls: string[] = []): Resolver {
  return async (hostname) => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    return answers.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}
