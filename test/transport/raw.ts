import { request } from 'node:https';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => { error?: { code: number; message: string; data?: { code?: string } } } & Record<string, unknown>;
}

/** One HTTPS request with full control of headers (Host, Origin, Content-Length), trusting `ca`. */
export function raw(url: string, ca: string, o: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string | Buffer; chunks?: Buffer[] } = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, method: o.method ?? 'POST', path: o.path ?? u.pathname,
      ca, agent: false, servername: 'localhost', headers: o.headers ?? {},
    }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      req.end();
    } else req.end(o.body);
  });
}
