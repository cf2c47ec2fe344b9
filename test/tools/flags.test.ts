import { afterAll, describe, expect, it } from 'vitest';
import { codeOf, textOf, uuid } from '../helpers/fixtures.js';
import { acme, globex, referencePalisade } from './reference-helpers.js';

const ref = await referencePalisade();
afterAll(() => ref.close());
const call = (p: typeof acme, name: string, args: unknown) => ref.palisade.call(p, name, args);

describe('flag.set', () => {
  it('the seed smoke test: prod 50% without a ticket is TICKET_REQUIRED with the seed text', async () => {
    const r = await call(acme, 'flag.set', { name: 'checkout_v2', env: 'prod', rolloutPct: 50, idemKey: uuid() });
    expect(codeOf(r)).toBe('TICKET_REQUIRED');
    expect(textOf(r)).toBe('DENY: prod change >10% requires change ticket');
  });

  it('prod up to 10% needs no ticket; above 10% with a ticket is allowed and recorded', async () => {
    expect((await call(acme, 'flag.set', { name: 'search_v3', env: 'prod', rolloutPct: 10, idemKey: uuid() })).isError).toBeFalsy();
    const ok = await call(acme, 'flag.set', { name: 'search_v3', env: 'prod', rolloutPct: 60, ticket: 'CHG-1234', idemKey: uuid() });
    expect(textOf(ok)).toBe('OK: flag search_v3 in prod set to 60% (was 10%)');
    const got = await call(acme, 'flag.get', { name: 'search_v3', env: 'prod' });
    expect(got.structuredContent).toMatchObject({ rolloutPct: 60, ticket: 'CHG-1234', updatedBy: acme.id });
    const history = got.structuredContent!['history'] as { previousPct: number | null; rolloutPct: number; ticket: string | null; actor: string }[];
    expect(history.map((h) => [h.previousPct, h.rolloutPct, h.ticket])).toEqual([[10, 60, 'CHG-1234'], [null, 10, null]]);
  });

  it('a ticket in the wrong format is INVALID_PARAMS', async () => {
    const r = await call(acme, 'flag.set', { name: 'x', env: 'prod', rolloutPct: 50, ticket: 'please', idemKey: uuid() });
    expect(codeOf(r)).toBe('INVALID_PARAMS');
  });

  it('the ticket pattern is configurable, and a bad pattern stops start-up', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadConfig } = await import('../../src/config/load.js');
    const { createReferenceTools } = await import('../../src/tools/index.js');
    const d = mkdtempSync(join(tmpdir(), 'pal-ticket-'));
    writeFileSync(join(d, 'p.yaml'), "server: { data_dir: ./data }\ntools: { flag.set: { ticket_pattern: '^JIRA-[0-9]{3}$' } }\n");
    const custom = await createReferenceTools(loadConfig({ file: join(d, 'p.yaml'), env: {} }));
    const { createPalisade } = await import('../../src/palisade.js');
    const p = await createPalisade({ tools: custom.tools, env: {} });
    expect(codeOf(await p.call(acme, 'flag.set', { name: 'x', env: 'prod', rolloutPct: 50, ticket: 'CHG-1', idemKey: uuid() }))).toBe('INVALID_PARAMS');
    expect((await p.call(acme, 'flag.set', { name: 'x', env: 'prod', rolloutPct: 50, ticket: 'JIRA-123', idemKey: uuid() })).isError).toBeFalsy();
    await custom.close();
    writeFileSync(join(d, 'bad.yaml'), "tools: { flag.set: { ticket_pattern: '([' } }\n");
    await expect(createReferenceTools(loadConfig({ file: join(d, 'bad.yaml'), env: {} }))).rejects.toThrow(/ticket_pattern/);
  });

  it.each([
    ['uppercase name', { name: 'Checkout', env: 'dev', rolloutPct: 1 }],
    ['name too long', { name: 'a'.repeat(65), env: 'dev', rolloutPct: 1 }],
    ['unknown env', { name: 'a', env: 'qa', rolloutPct: 1 }],
    ['pct above 100', { name: 'a', env: 'dev', rolloutPct: 100.5 }],
    ['pct negative', { name: 'a', env: 'dev', rolloutPct: -1 }],
    ['pct as string', { name: 'a', env: 'dev', rolloutPct: '50' }],
  ])('refuses %s with INVALID_PARAMS', async (_n, args) => {
    expect(codeOf(await call(acme, 'flag.set', { ...args, idemKey: uuid() }))).toBe('INVALID_PARAMS');
  });

  it('needs flags.write:<env> for that env', async () => {
    const stagingOnly = { ...acme, grants: ['flags.write:staging'] };
    const r = await call(stagingOnly, 'flag.set', { name: 'a', env: 'prod', rolloutPct: 5, idemKey: uuid() });
    expect(codeOf(r)).toBe('SCOPE_MISSING');
    expect(r.structuredContent!['details']).toEqual({ scope: 'flags.write:prod' });
  });

  it('flags are per tenant', async () => {
    await call(acme, 'flag.set', { name: 'tenant_flag', env: 'dev', rolloutPct: 42, idemKey: uuid() });
    expect(codeOf(await call(globex, 'flag.get', { name: 'tenant_flag', env: 'dev' }))).toBe('NOT_FOUND');
  });

  it('an idemKey another tenant used does not dedupe this tenant\'s write', async () => {
    const key = uuid();
    await call(acme, 'flag.set', { name: 'shared_key', env: 'dev', rolloutPct: 1, idemKey: key });
    const g = await call(globex, 'flag.set', { name: 'shared_key', env: 'dev', rolloutPct: 1, idemKey: key });
    expect(textOf(g)).toMatch(/^OK: /);
    expect((await call(globex, 'flag.get', { name: 'shared_key', env: 'dev' })).structuredContent!['rolloutPct']).toBe(1);
  });

  it('a staging write replays as OK (idempotent) and changes the flag once', async () => {
    const args = { name: 'replayed', env: 'staging', rolloutPct: 25, idemKey: uuid() };
    await call(acme, 'flag.set', args);
    const again = await call(acme, 'flag.set', args);
    expect(textOf(again)).toMatch(/^OK \(idempotent\): flag replayed/);
    const got = await call(acme, 'flag.get', { name: 'replayed', env: 'staging' });
    expect((got.structuredContent!['history'] as unknown[]).length).toBe(1);
  });
});
