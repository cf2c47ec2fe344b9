import { afterAll, describe, expect, it } from 'vitest';
import { APPROVAL_GRANT, createApprovals } from '../../src/policy/approvals.js';
import { codeOf, textOf, uuid } from '../helpers/fixtures.js';
import { agent, connect, detailsOf, policyRuntime } from './mcp-helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

const POLICY = '- { rule: prod-needs-approval, when: { tool: flag.set, args.env: prod }, decision: require_approval }\n';
const boss = { id: 'user:boss', tenant: 'acme', grants: [APPROVAL_GRANT] };

async function setup(elicitTimeoutMs = 5000) {
  let t = Date.now();
  const clock = { advance: (ms: number) => { t += ms; } };
  const { runtime } = await policyRuntime({ policy: POLICY, options: { approvals: { ttlMs: 60_000, elicitTimeoutMs, now: () => t } } });
  cleanup.push(() => runtime.close());
  const approvals = createApprovals(runtime.store, { ttlMs: 60_000, now: () => t });
  return { runtime, approvals, clock };
}
const args = (extra: Record<string, unknown> = {}) => ({ name: 'checkout_v2', env: 'prod', rolloutPct: 5, idemKey: uuid(), ...extra });

describe('approvals in-band (MCP elicitation)', () => {
  it('accepted: the human sees tool, rule and redacted arguments; the call proceeds', async () => {
    const { runtime } = await setup();
    const c = await connect(runtime, { elicit: () => ({ action: 'accept', content: { approve: true } }) });
    cleanup.push(c.close);
    const r = await c.call('flag.set', args({ name: 'checkout_v2' }));
    expect(textOf(r)).toMatch(/^OK: flag checkout_v2 in prod set to 5%/);
    expect(c.asked).toHaveLength(1);
    expect(c.asked[0]).toMatch(/agent:pol wants to call flag\.set/);
    expect(c.asked[0]).toMatch(/Policy rule prod-needs-approval/);
    expect(c.asked[0]).toMatch(/"env":"prod"/);
    expect(codeOf(await c.call('flag.set', args({ env: 'staging' })))).toBeUndefined(); // no rule: no question
    expect(c.asked).toHaveLength(1);
  });

  it('declined, cancelled, accepted without approve: true, and timed out all deny APPROVAL_REQUIRED', async () => {
    const { runtime } = await setup(300);
    for (const answer of [{ action: 'decline' as const }, { action: 'cancel' as const }, { action: 'accept' as const, content: { approve: false } }]) {
      const c = await connect(runtime, { elicit: () => answer });
      cleanup.push(c.close);
      const r = await c.call('flag.set', args());
      expect(codeOf(r)).toBe('APPROVAL_REQUIRED');
      expect(textOf(r)).toBe('DENY: the approval was declined or not given in time');
    }
    const slow = await connect(runtime, { elicit: () => new Promise(() => {}) });
    cleanup.push(slow.close);
    expect(codeOf(await slow.call('flag.set', args()))).toBe('APPROVAL_REQUIRED');
  });
});

describe('approvals out-of-band (palisade approve)', () => {
  it('APPROVAL_REQUIRED with an approval id; approved, the same retry proceeds once', async () => {
    const { runtime, approvals } = await setup();
    const c = await connect(runtime);
    cleanup.push(c.close);
    const a = args();
    const first = await c.call('flag.set', a);
    expect(codeOf(first)).toBe('APPROVAL_REQUIRED');
    const id = String(detailsOf(first)?.['approvalId']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(detailsOf(first)?.['rule']).toBe('prod-needs-approval');
    expect(textOf(first)).toContain(`palisade approve ${id}`);
    // Retrying before approval names the same request.
    expect(detailsOf(await c.call('flag.set', a))?.['approvalId']).toBe(id);
    expect(await approvals.approve(id, boss)).toMatchObject({ ok: true });
    expect(textOf(await c.call('flag.set', a))).toMatch(/^OK: /);
    // Second use: the approval is spent; the idempotent replay is not reached.
    const again = await c.call('flag.set', a);
    expect(codeOf(again)).toBe('APPROVAL_REQUIRED');
    expect(detailsOf(again)?.['approvalId']).not.toBe(id);
    expect(await approvals.get(id)).toMatchObject({ status: 'used', approvedBy: 'user:boss' });
  });

  it('refused: other arguments, another principal, after expiry, and self-approval', async () => {
    const { runtime, approvals, clock } = await setup();
    const c = await connect(runtime);
    const other = await connect(runtime, { principal: { ...agent, id: 'agent:other' } });
    cleanup.push(c.close, other.close);
    const a = args();
    const id = String(detailsOf(await c.call('flag.set', a))?.['approvalId']);
    expect(await approvals.approve(id, { id: agent.id, tenant: 'acme', grants: [APPROVAL_GRANT] })).toMatchObject({ ok: false, code: 'SELF_APPROVAL' });
    expect(await approvals.approve(id, boss)).toMatchObject({ ok: true });
    expect(codeOf(await c.call('flag.set', { ...a, rolloutPct: 6 }))).toBe('APPROVAL_REQUIRED');
    expect(codeOf(await c.call('flag.set', { ...a, idemKey: uuid() }))).toBe('APPROVAL_REQUIRED');
    expect(codeOf(await other.call('flag.set', a))).toBe('APPROVAL_REQUIRED');
    clock.advance(60_001);
    expect(codeOf(await c.call('flag.set', a))).toBe('APPROVAL_REQUIRED');
  });
});
