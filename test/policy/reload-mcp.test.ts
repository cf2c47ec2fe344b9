import { renameSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf, uuid } from '../helpers/fixtures.js';
import { connect, policyRuntime } from './mcp-helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

const A = '- { rule: prod-reads-closed, when: { tool: flag.get, args.env: prod }, decision: deny }\n';
const B = '- { rule: dev-reads-closed, when: { tool: flag.get, args.env: dev }, decision: deny }\n';
const BAD = '- { rule: broken, when: { tool: flag.get, args.env: { between: [1, 2] } }, decision: deny }\n';

describe('hot reload under load', () => {
  it('200 calls run while good and bad files are swapped in: none fails because of the swap', async () => {
    const { runtime, policyFile } = await policyRuntime({ policy: A });
    cleanup.push(() => runtime.close());
    const c = await connect(runtime);
    cleanup.push(c.close);
    expect(codeOf(await c.call('flag.set', { name: 'reload', env: 'staging', rolloutPct: 1, idemKey: uuid() }))).toBeUndefined();
    const replace = (text: string) => { writeFileSync(`${policyFile}.tmp`, text); renameSync(`${policyFile}.tmp`, policyFile); };
    const v1 = runtime.policy.status().version;

    let swaps = 0;
    const swapper = (async () => {
      for (const text of [B, BAD, A, BAD, B]) {
        await new Promise((r) => setTimeout(r, 40));
        replace(text);
        swaps += 1;
      }
    })();
    const calls = Array.from({ length: 200 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i));
      return c.call('flag.get', { name: 'reload', env: 'staging' });
    });
    const results = await Promise.all(calls);
    await swapper;
    expect(swaps).toBe(5);
    expect(results.map(codeOf).filter((x) => x !== undefined)).toEqual([]);

    // The last good file (B) is in force; a bad one never replaced it.
    await expect.poll(() => runtime.policy.status().version, { timeout: 5000, interval: 25 }).not.toBe(v1);
    expect(runtime.policy.status()).toMatchObject({ ok: true, rules: 4 });
    expect(codeOf(await c.call('flag.get', { name: 'reload', env: 'dev' }))).toBe('POLICY_DENY');
    expect(codeOf(await c.call('flag.get', { name: 'reload', env: 'prod' }))).toBe('NOT_FOUND');

    replace(BAD);
    await expect.poll(() => runtime.policy.status().ok, { timeout: 5000, interval: 25 }).toBe(false);
    expect(runtime.policy.status().error).toMatch(/policy\.yaml:1: \[0\]\.when\.args\.env\.between: unknown operator/);
    expect(codeOf(await c.call('flag.get', { name: 'reload', env: 'dev' }))).toBe('POLICY_DENY');
  });
});
