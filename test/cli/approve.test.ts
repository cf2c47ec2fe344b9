import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime.js';
import { codeOf, textOf, uuid } from '../helpers/fixtures.js';
import { agent, connect, detailsOf } from '../policy/mcp-helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

async function run(args: string[]) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try { return { code: await main(args), out, err }; } finally { o.mockRestore(); e.mockRestore(); }
}

describe('palisade approve', () => {
  it('an approver from config approves; the agent retry proceeds; refusals exit 1 with their code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-approve-'));
    writeFileSync(join(dir, 'policy.yaml'), '- { rule: prod-approval, when: { tool: flag.set, args.env: prod }, decision: require_approval }\n');
    const common = 'server: { data_dir: ./data }\npolicy: ./policy.yaml\nstate: { backend: sqlite }\n';
    const server = join(dir, 'palisade.yaml');
    writeFileSync(server, common);
    const as = (name: string, id: string, grants: string[]) => {
      const f = join(dir, `${name}.yaml`);
      writeFileSync(f, `${common}stdio:\n  principal: { id: "${id}", tenant: acme, region: eu-west, grants: [${grants.join(', ')}] }\n`);
      return f;
    };
    const runtime = await createRuntime(loadConfig({ file: server, env: {} }), { env: {}, logger: createLogger('silent') });
    cleanup.push(() => runtime.close());
    const c = await connect(runtime);
    cleanup.push(c.close);
    const args = { name: 'checkout_v2', env: 'prod', rolloutPct: 5, idemKey: uuid() };
    const first = await c.call('flag.set', args);
    expect(codeOf(first)).toBe('APPROVAL_REQUIRED');
    const id = String(detailsOf(first)?.['approvalId']);

    const self = await run(['approve', id, '--config', as('self', agent.id, ['approvals.grant'])]);
    expect([self.code, self.err]).toEqual([1, 'palisade approve: SELF_APPROVAL: a principal cannot approve its own request\n']);
    const noGrant = await run(['approve', id, '--config', as('nogrant', 'user:eve', ['orders.read'])]);
    expect(noGrant.code).toBe(1);
    expect(noGrant.err).toMatch(/SCOPE_MISSING/);
    const otherTenant = join(dir, 'globex.yaml');
    writeFileSync(otherTenant, `${common}stdio:\n  principal: { id: "user:g", tenant: globex, region: us-east, grants: [approvals.grant] }\n`);
    expect((await run(['approve', id, '--config', otherTenant])).err).toMatch(/NOT_FOUND/);
    expect((await run(['approve', crypto.randomUUID(), '--config', as('boss', 'user:boss', ['approvals.grant'])])).code).toBe(1);
    expect((await run(['approve', 'not-an-id'])).code).toBe(2);

    const ok = await run(['approve', id, '--config', as('boss', 'user:boss', ['approvals.grant'])]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(new RegExp(`^approved ${id}: agent:pol may call flag\\.set once .* approved by user:boss\\n$`));
    expect(textOf(await c.call('flag.set', args))).toMatch(/^OK: /);
    const twice = await run(['approve', id, '--config', as('boss', 'user:boss', ['approvals.grant'])]);
    expect(twice.err).toMatch(/ALREADY_DECIDED/);
  });
});
