import { describe, expect, it } from 'vitest';
import { createPalisade } from '../../src/palisade.js';
import { alice, codeOf, fixtureTools, uuid } from '../helpers/fixtures.js';

describe('scopes guard', () => {
  it('needs the qualified grant for the env in the arguments', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const prod = await palisade.call(alice, 'switch.set', { name: 'beta', env: 'prod', pct: 5, idemKey: uuid() });
    expect(codeOf(prod)).toBe('SCOPE_MISSING');
    expect(prod.structuredContent!['details']).toEqual({ scope: 'switch.write:prod' });
    const staging = await palisade.call(alice, 'switch.set', { name: 'beta', env: 'staging', pct: 5, idemKey: uuid() });
    expect(staging.isError).toBeFalsy();
  });

  it('hides a tool whose family the principal holds no grant in: it answers exactly like an unknown tool', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const bob = { ...alice, grants: ['demo.read'] };
    const hidden = await palisade.call(bob, 'switch.set', { bogus: 1 });
    const unknown = await palisade.call(bob, 'no.such.tool', { bogus: 1 });
    expect(codeOf(hidden)).toBe('NOT_FOUND');
    expect(hidden).toEqual(unknown);
    expect(palisade.visibleTools(bob).map((t) => t.name)).not.toContain('switch.set');
  });

  it('under step-up lists every tool and names the concrete grant a call needs, before the schema', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {}, stepUp: true });
    const bob = { ...alice, grants: ['demo.read'] };
    expect(palisade.visibleTools(bob).map((t) => t.name)).toContain('switch.set');
    const r = await palisade.call(bob, 'switch.set', { name: 'beta', env: 'prod', pct: 5, idemKey: uuid() });
    expect(codeOf(r)).toBe('SCOPE_MISSING');
    expect(r.structuredContent!['details']).toEqual({ scope: 'switch.write:prod' });
    // Arguments that fail the schema never shape the answer: the family is named instead.
    const bad = await palisade.call(bob, 'switch.set', { env: 'x"y' });
    expect(bad.structuredContent!['details']).toEqual({ scope: 'switch.write:{env}' });
  });

  it('an unqualified family grant does not imply a qualified one', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const r = await palisade.call({ ...alice, grants: ['switch.write'] }, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: uuid() });
    expect(codeOf(r)).toBe('NOT_FOUND'); // hidden: no grant in the family at all
  });

  it('preflight runs the real guards for an HTTP edge, without the handler', async () => {
    const { tools, counter } = fixtureTools();
    const palisade = await createPalisade({ tools, env: {} });
    const prod = await palisade.preflight(alice, 'switch.set', { name: 'b', env: 'prod', pct: 1, idemKey: uuid() });
    expect(prod).toMatchObject({ allow: false, code: 'SCOPE_MISSING', stage: 'scopes.qualified', details: { scope: 'switch.write:prod' } });
    expect(await palisade.preflight(alice, 'switch.set', { name: 'b', env: 'dev', pct: 1, idemKey: uuid() })).toMatchObject({ allow: true });
    expect(await palisade.preflight({ ...alice, grants: [] }, 'demo.echo', {})).toMatchObject({ allow: false, code: 'NOT_FOUND', stage: 'scopes' });
    expect(await palisade.preflight(alice, 'nope', {})).toMatchObject({ allow: false, code: 'NOT_FOUND', stage: 'catalog' });
    expect(await palisade.preflight(alice, 'switch.set', { env: 'dev', extra: 1 })).toMatchObject({ allow: false, code: 'UNKNOWN_FIELD' });
    expect(counter.writes).toBe(0);
  });
});

describe('mayNeedStepUp: the edge skips its preflight only where SCOPE_MISSING cannot come', () => {
  it('is false only for a known tool under a fixed scope the principal holds; a preflight there never answers SCOPE_MISSING', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {}, stepUp: true });
    const bob = { ...alice, grants: ['demo.read'] };
    expect(palisade.mayNeedStepUp(alice, 'demo.echo')).toBe(false);
    expect(await palisade.preflight(alice, 'demo.echo', { message: 'hi' })).toMatchObject({ allow: true });
    expect(await palisade.preflight(alice, 'demo.echo', { bogus: 1 })).toMatchObject({ allow: false, code: 'UNKNOWN_FIELD' });
    // a templated scope (switch.write:{env}): the qualified grant depends on the arguments
    expect(palisade.mayNeedStepUp(alice, 'switch.set')).toBe(true);
    // no grant in the family, and unknown tools: the preflight decides
    expect(palisade.mayNeedStepUp(bob, 'switch.set')).toBe(true);
    expect(palisade.mayNeedStepUp(alice, 'no.such.tool')).toBe(true);
    for (const [who, name, args] of [[bob, 'switch.set', { name: 'b', env: 'prod', pct: 1, idemKey: uuid() }], [alice, 'switch.set', { name: 'b', env: 'prod', pct: 1, idemKey: uuid() }]] as const) {
      expect(await palisade.preflight(who, name, args)).toMatchObject({ allow: false, code: 'SCOPE_MISSING' });
    }
  });
});
