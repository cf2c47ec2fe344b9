import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../src/core/principal.js';
import { createPalisade } from '../src/palisade.js';
import { reachReport, scopesNeeded } from '../src/reach.js';
import { createMcpServer } from '../src/transport/mcp.js';
import { alice, codeOf, fixtureTools } from './helpers/fixtures.js';

const typo: Principal = { ...alice, id: 'agent:typo', grants: ['demo.raed'] };
afterEach(() => { vi.restoreAllMocks(); });

async function listAs(principal: Principal, warn: (f: Record<string, unknown>, m: string) => void) {
  const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
  const server = createMcpServer(palisade, { principal: () => principal, warn });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  const client = new Client({ name: 't', version: '0' });
  await client.connect(ct);
  const names = (await client.listTools()).tools.map((t) => t.name);
  await client.close();
  return names;
}

describe('library mode speaks up (issue 9, item 7)', () => {
  it('reachReport: a typo in a grant leaves a blind principal and names the unused grant', () => {
    const { tools } = fixtureTools();
    const r = reachReport(tools, [typo]);
    expect(r.blind).toEqual(['agent:typo']);
    expect(r.unusedGrants).toEqual({ 'agent:typo': ['demo.raed'] });
    expect(r.hidden).toEqual(['demo.boom', 'demo.echo', 'switch.set']);
    const partial = reachReport(tools, [{ ...alice, grants: ['demo.read'] }]);
    expect(partial).toEqual({ hidden: ['switch.set'], blind: [], unusedGrants: {} });
    expect(reachReport(tools, [alice]).hidden).toEqual([]);
    expect(scopesNeeded(tools)).toEqual(['demo.read', 'switch.write:<env>']);
  });

  it('createMcpServer warns at start when its principal sees no tools, naming the scopes tools need', async () => {
    const warnings: { f: Record<string, unknown>; m: string }[] = [];
    const names = await listAs(typo, (f, m) => warnings.push({ f, m }));
    expect(names).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.m).toMatch(/sees no tools/);
    expect(warnings[0]!.f).toMatchObject({ principals: ['agent:typo'], unusedGrants: { 'agent:typo': ['demo.raed'] }, scopesNeeded: ['demo.read', 'switch.write:<env>'] });
  });

  it('warns about tools no configured principal can see, and says nothing when all is reachable', async () => {
    const some: string[] = [];
    await listAs({ ...alice, grants: ['demo.read'] }, (_f, m) => some.push(m));
    expect(some).toEqual(['tools no configured principal can see (no grant in their scope family)']);
    const none: string[] = [];
    await listAs(alice, (_f, m) => none.push(m));
    expect(none).toEqual([]);
  });

  it('a principal known only per request (HTTP) is judged at its first empty tools/list, once', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const warnings: string[] = [];
    let calls = 0;
    const server = createMcpServer(palisade, { principal: () => (calls++ === 0 ? undefined : typo), warn: (_f, m) => warnings.push(m) });
    const [ct, st] = InMemoryTransport.createLinkedPair();
    await server.connect(st);
    const client = new Client({ name: 't', version: '0' });
    await client.connect(ct);
    expect(warnings).toEqual([]);
    await client.listTools();
    await client.listTools();
    expect(warnings).toHaveLength(1);
    await client.close();
  });

  it('without a logger, a handler fault reaches stderr (and never the caller)', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; });
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const r = await palisade.call(alice, 'demo.boom', {});
    expect(codeOf(r)).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(r)).not.toContain('/etc/passwd');
    expect(written.join('')).toMatch(/palisade: error: handler fault .*demo\.boom/);
    expect(written.join('')).toMatch(/\n\s+at .*fixtures\.ts/); // the stack, server side only
  });
});
