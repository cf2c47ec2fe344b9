import { describe, expect, it } from 'vitest';
import { createPalisade } from '../../src/palisade.js';
import { alice, codeOf, fixtureTools, uuid } from '../helpers/fixtures.js';

describe('scopes guard', () => {
  it('needs the qualified grant for the env in the arguments', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const prod = await palisade.call(alice, 'switch.set', { name: 'beta', env: 'prod', pct: 5, idemKey: uuid() });
    expect(codeOf(prod)).toBe('SCOPE_MISSING');
    expect(prod.structuredContent['details']).toEqual({ scope: 'switch.write:prod' });
    const staging = await palisade.call(alice, 'switch.set', { name: 'beta', env: 'staging', pct: 5, idemKey: uuid() });
    expect(staging.isError).toBeFalsy();
  });

  it('refuses a tool whose family the principal holds no grant in, before looking at arguments', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const bob = { ...alice, grants: ['demo.read'] };
    const r = await palisade.call(bob, 'switch.set', { bogus: 1 });
    expect(codeOf(r)).toBe('SCOPE_MISSING');
    expect(palisade.visibleTools(bob).map((t) => t.name)).not.toContain('switch.set');
  });

  it('an unqualified family grant does not imply a qualified one', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const r = await palisade.call({ ...alice, grants: ['switch.write'] }, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: uuid() });
    expect(codeOf(r)).toBe('SCOPE_MISSING');
  });

  it('reports the missing scope for an HTTP edge', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    expect(palisade.missingScope(alice, 'switch.set', { env: 'prod' })).toBe('switch.write:prod');
    expect(palisade.missingScope(alice, 'switch.set', { env: 'dev' })).toBeUndefined();
    expect(palisade.missingScope({ ...alice, grants: [] }, 'demo.echo', {})).toBe('demo.read');
    expect(palisade.missingScope(alice, 'nope', {})).toBeUndefined();
  });
});
