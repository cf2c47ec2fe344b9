import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deny } from '../../src/core/decision.js';
import { defineTool } from '../../src/core/define.js';
import type { Principal } from '../../src/core/principal.js';
import { withServiceSpan } from '../../src/telemetry/calls.js';
import { alice, codeOf, connectInMemory, fixturePalisade, fixtureTools } from '../helpers/fixtures.js';
import { byName, leaks, memoryTelemetry, parentOf } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

const lookup = defineTool({
  name: 'demo.lookup',
  description: 'Looks something up in a backend',
  effect: 'read',
  scope: 'demo.read',
  input: { q: z.string().max(200) },
  handler: async ({ q }, ctx) => withServiceSpan(ctx, 'demo.db.query', async () => ({ found: q.length }), { 'db.system': 'sqlite', 'db.statement.arg': q }),
});

async function setup(principal: Principal = alice, stages: Parameters<typeof fixturePalisade>[0] = {}) {
  const t = memoryTelemetry();
  const { tools } = fixtureTools();
  const { palisade } = await fixturePalisade({ tools: [...tools, lookup], onStage: t.onStage, recorders: t.recorders, ...stages });
  const c = await connectInMemory(palisade, principal);
  cleanups.push(c.close);
  return { ...t, client: c.client };
}

describe('spans: names, parent/child, attributes', () => {
  it('allow path: mcp.tool.invoke with a child per stage and service.api.call for the backend', async () => {
    const { client, spans } = await setup();
    const r = await client.callTool({ name: 'demo.lookup', arguments: { q: 'abc' } });
    expect(r.isError).toBeFalsy();
    const all = spans();
    const [root] = byName(all, 'mcp.tool.invoke');
    expect(root).toBeDefined();
    expect(root!.kind).toBe(SpanKind.SERVER);
    expect(root!.attributes).toMatchObject({
      'actor.id': 'agent:alice', 'actor.type': 'agent', 'tenant.id': 'acme', 'tool.name': 'demo.lookup',
      'policy.decision': 'allow', 'pii.count': 0, 'palisade.decided_by': 'handler',
    });
    expect(root!.attributes['scope.grants']).toEqual(alice.grants);
    const names = all.filter((s) => parentOf(s) === root!.spanContext().spanId).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['catalog.lookup', 'killswitch.check', 'scopes.check', 'schema.validate', 'policy.evaluate', 'idempotency.check', 'tool.handler', 'dlp.redact', 'service.api.call']));
    for (const s of all) expect(s.spanContext().traceId).toBe(root!.spanContext().traceId);
    const [svc] = byName(all, 'service.api.call');
    expect(svc!.attributes).toMatchObject({ 'service.api': 'demo.db.query', 'db.system': 'sqlite' });
    expect(svc!.kind).toBe(SpanKind.CLIENT);
  });

  const denials: [string, string, unknown, string, string][] = [
    ['catalog', 'no.such', {}, 'NOT_FOUND', 'catalog.lookup'],
    ['schema', 'demo.echo', { message: 'x', admin: true }, 'UNKNOWN_FIELD', 'schema.validate'],
    ['scopes.qualified', 'switch.set', { name: 'beta', env: 'prod', pct: 5, idemKey: crypto.randomUUID() }, 'SCOPE_MISSING', 'scopes.check'],
    ['idempotency', 'switch.set', { name: 'beta', env: 'dev', pct: 5 }, 'IDEMPOTENCY_KEY_REQUIRED', 'idempotency.check'],
  ];
  for (const [stage, tool, args, code, spanName] of denials) {
    it(`deny at ${stage}: ${code} on the call span and on the deciding stage's span`, async () => {
      const { client, spans } = await setup();
      const r = await client.callTool({ name: tool, arguments: args as Record<string, unknown> });
      expect(codeOf(r)).toBe(code);
      const all = spans();
      const [root] = byName(all, 'mcp.tool.invoke');
      expect(root!.attributes).toMatchObject({ 'policy.decision': 'deny', 'decision.code': code, 'palisade.decided_by': stage });
      expect(root!.status.code).toBe(SpanStatusCode.ERROR);
      const decider = all.find((s) => s.name === spanName && s.attributes['decision.code'] === code);
      expect(decider?.attributes['palisade.stage']).toBe(stage);
      expect(parentOf(decider!)).toBe(root!.spanContext().spanId);
      expect(byName(all, 'tool.handler')).toHaveLength(0);
    });
  }

  it('deny at policy and at limits (stage guards): codes, rules and budget use as attributes', async () => {
    const policy = { name: 'test-policy', check: () => deny('POLICY_DENY', 'rule no-echo denies', { notes: { matched: ['no-echo'], policyVersion: 'v1' } }) };
    const p = await setup(alice, { stages: { policy } });
    await p.client.callTool({ name: 'demo.echo', arguments: { message: 'x' } });
    const ev = byName(p.spans(), 'policy.evaluate').find((s) => s.attributes['palisade.guard'] === 'test-policy')!;
    expect(ev.attributes).toMatchObject({ 'policy.decision': 'deny', 'decision.code': 'POLICY_DENY', 'palisade.policyVersion': 'v1' });
    expect(ev.attributes['policy.rules']).toEqual(['no-echo']);
    expect(byName(p.spans(), 'mcp.tool.invoke')[0]!.attributes['decision.code']).toBe('POLICY_DENY');

    const limits = { name: 'test-limits', check: () => deny('BUDGET_EXCEEDED', 'daily budget spent', { notes: { budget: { usedUsd: 10, limitUsd: 10 } } }) };
    const l = await setup(alice, { stages: { limits } });
    await l.client.callTool({ name: 'demo.echo', arguments: { message: 'x' } });
    const lc = byName(l.spans(), 'limits.check')[0]!;
    expect(lc.attributes).toMatchObject({ 'decision.code': 'BUDGET_EXCEEDED', 'palisade.budget.usedUsd': 10, 'palisade.budget.limitUsd': 10 });
  });

  it('trace context continues from _meta.traceparent; agent.plan wraps the call when plan context is sent', async () => {
    const { client, spans } = await setup();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await client.callTool({ name: 'demo.echo', arguments: { message: 'x' }, _meta: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'palisade/plan': { id: 'plan-1', step: 2, depth: 1, goal: 'mail bob@example.com' } } });
    const all = spans();
    const [root] = byName(all, 'mcp.tool.invoke');
    const [plan] = byName(all, 'agent.plan');
    expect(root!.spanContext().traceId).toBe(traceId);
    expect(parentOf(plan!)).toBe('00f067aa0ba902b7');
    expect(parentOf(root!)).toBe(plan!.spanContext().spanId);
    expect(plan!.attributes).toMatchObject({ 'plan.id': 'plan-1', 'plan.step': 2, 'plan.goal': 'mail [email]' });
  });

  it('without trace context the spans carry the trace id of the call (the audit record key)', async () => {
    const t = memoryTelemetry();
    const { palisade } = await fixturePalisade({ onStage: t.onStage, recorders: [...t.recorders, { record: (r) => { seen.push(r.traceId); } }] });
    const seen: string[] = [];
    await palisade.call(alice, 'demo.echo', { message: 'x' });
    expect(byName(t.spans(), 'mcp.tool.invoke')[0]!.spanContext().traceId).toBe(seen[0]);
  });

  it('no email, card number or token in any attribute', async () => {
    const sneaky: Principal = { ...alice, id: 'user:bob@example.com' };
    const { client, spans } = await setup(sneaky);
    const payload = 'bob@example.com 4111 1111 1111 1111 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig sk_live_abcdefghijklmnop';
    await client.callTool({ name: 'demo.lookup', arguments: { q: payload.slice(0, 200) } });
    await client.callTool({ name: 'demo.echo', arguments: { message: payload, evil: payload } });
    await client.callTool({ name: `x${payload}`.replace(/ /g, ''), arguments: {} });
    await client.callTool({ name: 'switch.set', arguments: { name: 'beta', env: 'dev', pct: 1, idemKey: payload } });
    expect(spans().length).toBeGreaterThan(10);
    expect(leaks(spans())).toEqual([]);
    expect(byName(spans(), 'mcp.tool.invoke')[0]!.attributes['actor.id']).toBe('user:[email]');
  });
});
