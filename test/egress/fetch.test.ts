import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressClient, type EgressOptions } from '../../src/egress/index.js';
import { startServer, tableResolver, text, type TestServer } from './servers.js';

// Each server on its own loopback address; the test-only allowance names exactly these.
const A = '127.0.0.21';
const B = '127.0.0.22';
let page: TestServer;
let other: TestServer;
const seen: Record<string, string | undefined>[] = [];

beforeAll(async () => {
  page = await startServer(A, (req, res) => {
    const url = req.url ?? '/';
    if (url === '/json') return text('{"a":1}', 'application/json')(req, res);
    if (url === '/binary') return text('\u0000\u0001', 'application/octet-stream')(req, res);
    if (url === '/image') return text('png', 'image/png')(req, res);
    if (url === '/none') { res.writeHead(200); res.end('x'); return; }
    if (url === '/big') return text('x'.repeat(5000))(req, res);
    if (url === '/endless') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const t = setInterval(() => res.write('y'.repeat(1024)), 1);
      res.on('close', () => clearInterval(t));
      return;
    }
    if (url === '/hang') return; // never answers
    if (url === '/stall') { res.writeHead(200, { 'content-type': 'text/plain' }); res.write('partial'); return; } // body never ends
    const hop = /^\/hop\/(\d+)$/.exec(url);
    if (hop) {
      const n = Number(hop[1]);
      res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/final' });
      res.end();
      return;
    }
    if (url === '/to-other') { res.writeHead(307, { location: `http://other.test:${other.port}/seen` }); res.end(); return; }
    if (url === '/to-private') { res.writeHead(301, { location: 'http://10.0.0.1/' }); res.end(); return; }
    return text(`hello ${req.headers.host ?? ''}`)(req, res);
  });
  other = await startServer(B, (req, res) => {
    seen.push({ authorization: req.headers.authorization, host: req.headers.host });
    text('other')(req, res);
  });
});
afterAll(async () => { await page.close(); await other.close(); });

function client(extra: Partial<EgressOptions> = {}) {
  return createEgressClient({
    schemes: ['http'],
    ports: [page.port, other.port],
    resolver: tableResolver({ 'page.test': [A], 'other.test': [B], 'api.vendor.test': [A] }),
    testAllowLoopback: [`${A}/32`, `${B}/32`],
    timeoutMs: 3000,
    ...extra,
  });
}
const url = (path: string) => `http://page.test:${page.port}${path}`;

describe('allowed fetches (loopback, test-only allowance)', () => {
  it('fetches a page by name, keeping the name in Host and connecting to the checked address', async () => {
    const r = await client().fetch(url('/hello'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.response).toMatchObject({ status: 200, contentType: 'text/plain', charset: 'utf-8', address: A, truncated: false, redirects: 0 });
    expect(Buffer.from(r.response.body).toString()).toBe(`hello page.test:${page.port}`);
  });

  it('fetches an IP literal inside the allowance, and HEAD works', async () => {
    const r = await client().fetch(`http://${A}:${page.port}/json`, { method: 'HEAD' });
    expect(r.ok && r.response.status).toBe(200);
    expect(r.ok && r.response.bytes).toBe(0);
  });

  it('IPv6 loopback works as a literal and by name when the allowance is `true` (127/8 and ::1)', async () => {
    const v6 = await startServer('::1', text('six'));
    try {
      const c = client({ testAllowLoopback: true, ports: [v6.port], resolver: tableResolver({ 'six.test': ['::1'] }) });
      for (const u of [`http://[::1]:${v6.port}/`, `http://six.test:${v6.port}/`]) {
        const r = await c.fetch(u);
        expect(r.ok && r.response.address, u).toBe('::1');
      }
      expect(v6.hits.map((h) => h.host)).toEqual([`[::1]:${v6.port}`, `six.test:${v6.port}`]);
    } finally {
      await v6.close();
    }
  });

  it('the same loopback address is SSRF_BLOCKED without the allowance', async () => {
    const r = await client({ testAllowLoopback: false }).fetch(url('/hello'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('SSRF_BLOCKED');
  });

  it('an allow-list admits *.suffix names and refuses the rest', async () => {
    const c = client({ allow: ['*.vendor.test'] });
    expect((await c.fetch(`http://api.vendor.test:${page.port}/`)).ok).toBe(true);
    const r = await c.fetch(url('/'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('EGRESS_DENIED');
  });

  it('only GET and HEAD', async () => {
    const r = await client().fetch(url('/'), { method: 'POST' as 'GET' });
    expect(r.ok ? 'ALLOWED' : r.code).toBe('EGRESS_DENIED');
  });
});

describe('caps', () => {
  it('deny mode: a body over the cap is PAYLOAD_TOO_LARGE (declared length)', async () => {
    const r = await client({ maxBytes: 1000, onOversize: 'deny' }).fetch(url('/big'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('deny mode: an endless streamed body is cut while streaming', async () => {
    const r = await client({ maxBytes: 64 * 1024, onOversize: 'deny' }).fetch(url('/endless'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('truncate mode keeps the first maxBytes bytes and says so', async () => {
    const r = await client({ maxBytes: 1000, onOversize: 'truncate' }).fetch(url('/big'));
    expect(r.ok && { bytes: r.response.bytes, truncated: r.response.truncated }).toEqual({ bytes: 1000, truncated: true });
    const endless = await client({ maxBytes: 10_000, onOversize: 'truncate' }).fetch(url('/endless'));
    expect(endless.ok && endless.response.bytes).toBe(10_000);
  });

  it('total deadline: a server that never answers is UPSTREAM_ERROR', async () => {
    const r = await client({ timeoutMs: 300 }).fetch(url('/hang'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('UPSTREAM_ERROR');
    expect(r.ok ? '' : r.message).toMatch(/within 300 ms/);
  });

  it('the deadline covers a body that stops halfway', async () => {
    const r = await client({ timeoutMs: 300 }).fetch(url('/stall'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('UPSTREAM_ERROR');
  });

  it('the deadline covers name resolution too', async () => {
    const r = await client({ timeoutMs: 200, resolver: () => new Promise(() => undefined) }).fetch(url('/'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('UPSTREAM_ERROR');
  });

  it('content types: text/* and application/json pass; others and a missing type are EGRESS_DENIED', async () => {
    const c = client();
    expect((await c.fetch(url('/json'))).ok).toBe(true);
    for (const p of ['/binary', '/image', '/none']) {
      const r = await c.fetch(url(p));
      expect(r.ok ? 'ALLOWED' : r.code, p).toBe('EGRESS_DENIED');
    }
    expect((await client({ contentTypes: ['image/*'] }).fetch(url('/image'))).ok).toBe(true);
  });
});

describe('redirects', () => {
  it('follows up to 3 redirects, each re-checked; the 4th is EGRESS_DENIED', async () => {
    const ok = await client().fetch(url('/hop/2'));
    expect(ok.ok && { redirects: ok.response.redirects, url: ok.response.url }).toEqual({ redirects: 3, url: url('/final') });
    const r = await client().fetch(url('/hop/3'));
    expect(r.ok ? 'ALLOWED' : r.code).toBe('EGRESS_DENIED');
    const none = await client({ maxRedirects: 0 }).fetch(url('/hop/0'));
    expect(none.ok ? 'ALLOWED' : none.code).toBe('EGRESS_DENIED');
  });

  it('a redirect into private space is SSRF_BLOCKED', async () => {
    const r = await client().fetch(url('/to-private'));
    expect(r.ok ? 'ALLOWED' : [r.code, r.hop]).toEqual(['SSRF_BLOCKED', 1]);
  });

  it('caller headers do not follow a redirect to another origin', async () => {
    seen.length = 0;
    const r = await client().fetch(url('/to-other'), { headers: { authorization: 'Bearer secret' } });
    expect(r.ok && r.response.address).toBe(B);
    expect(seen).toEqual([{ authorization: undefined, host: `other.test:${other.port}` }]);
  });
});

describe('resolution failures are decisions', () => {
  it('NXDOMAIN, empty answers and a throwing resolver are UPSTREAM_ERROR; a non-address answer is SSRF_BLOCKED', async () => {
    const code = async (o: Partial<EgressOptions>, u = url('/')) => { const r = await client(o).fetch(u); return r.ok ? 'ALLOWED' : r.code; };
    expect(await code({}, `http://nowhere.test:${page.port}/`)).toBe('UPSTREAM_ERROR');
    expect(await code({ resolver: async () => [] })).toBe('UPSTREAM_ERROR');
    expect(await code({ resolver: () => { throw new Error('boom'); } })).toBe('UPSTREAM_ERROR');
    expect(await code({ resolver: async () => [{ address: '0x7f.1', family: 4 }] })).toBe('SSRF_BLOCKED');
    expect(await code({ resolver: async () => [{ address: 'fe80::1%eth0', family: 6 }] })).toBe('SSRF_BLOCKED');
  });

  it('check() is a preflight: it resolves and judges without connecting', async () => {
    const before = page.hits.length;
    const r = await client().check(url('/x'));
    expect(r.ok && r.target.address).toBe(A);
    expect(page.hits.length).toBe(before);
  });

  it('bad options fail when the client is built, not per request', () => {
    expect(() => createEgressClient({ allow: ['bad host/'] })).toThrow(TypeError);
    expect(() => createEgressClient({ ports: [70000] })).toThrow(TypeError);
    expect(() => createEgressClient({ testAllowLoopback: ['not-a-cidr'] })).toThrow(TypeError);
    expect(() => createEgressClient({ maxBytes: 0 })).toThrow(TypeError);
  });
});
