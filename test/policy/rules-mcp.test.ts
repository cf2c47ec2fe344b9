import { afterAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.js';
import { policy } from '../../src/guards/policy.js';
import { createPalisade } from '../../src/palisade.js';
import { BUILTIN_RULES } from '../../src/policy/builtin.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { parsePolicy } from '../../src/policy/load.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { alice, codeOf, connectInMemory, fixtureTools, textOf, uuid } from '../helpers/fixtures.js';

const POLICY = `
version: 1
default: { read: allow, write: deny }
rules:
  - { rule: switches-writable, when: { tool: "switch.*", tool.effect: write }, decision: allow }
  - rule: no-big-prod
    when: { tool: switch.set, args.env: prod, args.pct: { gt: 50 } }
    unless: { principal.grants: release.manager }
    decision: deny
    message: prod switches above 50% need a release manager
  - { rule: no-legacy, when: { cel: 'has(args.name) && args.name.startsWith("legacy")' }, decision: deny }
  - { rule: shadow-dev, when: { tool: switch.set, args.env: dev }, decision: deny, mode: dry-run }
  - { rule: echo-closed, when: { tool: demo.echo, args.message: "*secret*" }, decision: deny }
`;

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

async function setup(text: string) {
  const records: CallRecord[] = [];
  const store = createMemoryStore();
  const { tools } = fixtureTools();
  const compiled = compilePolicy(parsePolicy(text, 'rules.yaml'), { builtins: BUILTIN_RULES });
  const palisade = await createPalisade({ tools, store, env: {}, stages: { policy: policy({ policy: compiled, store }) }, recorders: [{ record: (r) => { records.push(r); } }] });
  const prodAlice = { ...alice, grants: [...alice.grants, 'switch.write:prod'] };
  const a = await connectInMemory(palisade, prodAlice);
  const rm = await connectInMemory(palisade, { ...prodAlice, id: 'user:rm', grants: [...prodAlice.grants, 'release.manager'] });
  cleanup.push(a.close, rm.close);
  const call = (c: typeof a, name: string, args: Record<string, unknown>) => c.client.callTool({ name, arguments: args });
  return { a, rm, call, records, version: compiled.version };
}

describe('policy rules through a real MCP client', () => {
  it('allow beats the write default; deny overrides allow; unless; CEL; globs; default deny; dry-run records only', async () => {
    const { a, rm, call, records, version } = await setup(POLICY);
    expect(codeOf(await call(a, 'switch.set', { name: 'beta', env: 'staging', pct: 60, idemKey: uuid() }))).toBeUndefined();
    const big = await call(a, 'switch.set', { name: 'beta', env: 'prod', pct: 60, idemKey: uuid() });
    expect(codeOf(big)).toBe('POLICY_DENY');
    expect(textOf(big)).toBe('DENY: prod switches above 50% need a release manager');
    expect(codeOf(await call(rm, 'switch.set', { name: 'beta', env: 'prod', pct: 60, idemKey: uuid() }))).toBeUndefined();
    expect(codeOf(await call(a, 'switch.set', { name: 'beta', env: 'prod', pct: 50, idemKey: uuid() }))).toBeUndefined();
    expect(codeOf(await call(a, 'switch.set', { name: 'legacyx', env: 'staging', pct: 1, idemKey: uuid() }))).toBe('POLICY_DENY');
    expect(codeOf(await call(a, 'demo.echo', { message: 'my secret plan' }))).toBe('POLICY_DENY');
    expect(codeOf(await call(a, 'demo.echo', { message: 'hello' }))).toBeUndefined();

    records.length = 0;
    expect(codeOf(await call(a, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: uuid() }))).toBeUndefined();
    const notes = records[0]!.trail.find((t) => t.stage === 'policy')!.notes;
    expect(notes).toMatchObject({ policyVersion: version, matched: ['switches-writable'], wouldDeny: ['shadow-dev'] });
  });

  it('the object form denies a write no rule allows (POLICY_DENY, recorded as the default)', async () => {
    const { a, call, records } = await setup('default: { write: deny }\nrules: []\n');
    const r = await call(a, 'switch.set', { name: 'beta', env: 'staging', pct: 1, idemKey: uuid() });
    expect(codeOf(r)).toBe('POLICY_DENY');
    expect(textOf(r)).toBe('DENY: no policy rule allows this write tool (default: deny)');
    expect(records.at(-1)!.decidedBy).toBe('policy');
    expect(codeOf(await call(a, 'demo.echo', { message: 'hi' }))).toBeUndefined();
  });
});
