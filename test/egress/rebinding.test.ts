import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressClient } from '../../src/egress/index.js';
import { startServer, text, type TestServer } from './servers.js';

/**
 * DNS rebinding: the resolver answers the checked ("public") address first and
 * 127.0.0.1-style internal addresses on every later lookup. The checked address
 * is a loopback canary that only the test allowance admits; the rebinding
 * target is a second canary on another loopback address, same port. If anything
 * looked the name up again (undici, net, tls), the second canary would see it.
 */
const CHECKED = '127.0.0.31';
const REBOUND = '127.0.0.32';
let checked: TestServer;
let rebound: TestServer;
let proxy: TestServer;

beforeAll(async () => {
  checked = await startServer(CHECKED, text('checked'));
  rebound = await startServer(REBOUND, text('rebound'), checked.port);
  proxy = await startServer('127.0.0.33', text('proxy'));
});
afterAll(async () => { await checked.close(); await rebound.close(); await proxy.close(); });

describe('DNS rebinding', () => {
  it('connects only to the checked address; the rebound address gets zero hits', async () => {
    const calls: string[] = [];
    const resolver = async (name: string) => {
      calls.push(name);
      return [{ address: calls.length === 1 ? CHECKED : REBOUND, family: 4 }];
    };
    const egress = createEgressClient({ schemes: ['http'], ports: [checked.port], resolver, testAllowLoopback: [`${CHECKED}/32`] });
    const u = `http://rebind.test:${checked.port}/`;
    const first = await egress.fetch(u);
    expect(first.ok && Buffer.from(first.response.body).toString()).toBe('checked');
    expect(first.ok && first.response.address).toBe(CHECKED);
    expect(calls).toEqual(['rebind.test']);
    // The next request looks the name up again (fresh check): the rebound answer is refused.
    const second = await egress.fetch(u);
    expect(second.ok ? 'ALLOWED' : second.code).toBe('SSRF_BLOCKED');
    expect(checked.hits).toHaveLength(1);
    expect(rebound.hits).toHaveLength(0);
  });

  it('even with the rebound address allowed, a request connects to the address its own check saw', async () => {
    let n = 0;
    const resolver = async () => [{ address: n++ % 2 === 0 ? CHECKED : REBOUND, family: 4 }];
    const egress = createEgressClient({
      schemes: ['http'], ports: [checked.port], resolver, testAllowLoopback: [`${CHECKED}/32`, `${REBOUND}/32`],
    });
    const before = { c: checked.hits.length, r: rebound.hits.length };
    const a = await egress.fetch(`http://flip.test:${checked.port}/a`);
    const b = await egress.fetch(`http://flip.test:${checked.port}/b`);
    expect([a.ok && a.response.address, b.ok && b.response.address]).toEqual([CHECKED, REBOUND]);
    expect(checked.hits.slice(before.c).map((h) => h.url)).toEqual(['/a']);
    expect(rebound.hits.slice(before.r).map((h) => h.url)).toEqual(['/b']);
  });

  it('HTTP_PROXY / HTTPS_PROXY are not honoured: the request goes to the checked address, the proxy sees nothing', async () => {
    const saved = { http: process.env['HTTP_PROXY'], https: process.env['HTTPS_PROXY'] };
    process.env['HTTP_PROXY'] = `http://127.0.0.33:${proxy.port}`;
    process.env['HTTPS_PROXY'] = `http://127.0.0.33:${proxy.port}`;
    try {
      const egress = createEgressClient({
        schemes: ['http'], ports: [checked.port], resolver: async () => [{ address: CHECKED, family: 4 }], testAllowLoopback: [`${CHECKED}/32`],
      });
      const r = await egress.fetch(`http://proxied.test:${checked.port}/`);
      expect(r.ok && r.response.address).toBe(CHECKED);
      expect(proxy.hits).toHaveLength(0);
    } finally {
      if (saved.http === undefined) delete process.env['HTTP_PROXY']; else process.env['HTTP_PROXY'] = saved.http;
      if (saved.https === undefined) delete process.env['HTTPS_PROXY']; else process.env['HTTPS_PROXY'] = saved.https;
    }
  });
});
