import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'pal-poltest-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const SEED = 'seed/policy.yaml';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

const CASES = `
egress_allow: [api.vendor.example]
cases:
  - name: export masks email and routes EU data
    tool: orders.export
    args: { from: "2025-08-25", to: "2025-08-31" }
    expect:
      decision: allow
      obligations: [{ kind: redact, field: email, mode: mask }, { kind: route, region: eu-west }]
  - name: US subject is not routed
    tool: orders.export
    principal: { region: us-east }
    expect: { decision: allow, obligations: [{ kind: redact, field: email, mode: mask }] }
  - name: vendor off the allow-list
    tool: web.fetchSafe
    args: { url: "https://evil.example/" }
    expect: { decision: deny, code: POLICY_DENY, matched: [vendor-allow-list] }
  - name: vendor on the allow-list
    tool: web.fetchSafe
    args: { url: "https://api.vendor.example/v1" }
    expect: { decision: allow }
  - name: prod change without ticket
    tool: flag.set
    args: { name: checkout, env: prod, rolloutPct: 50 }
    expect: { decision: deny, code: TICKET_REQUIRED }
  - name: prod change with ticket
    tool: flag.set
    args: { name: checkout, env: prod, rolloutPct: 50, ticket: CHG-1 }
    expect: { decision: allow }
  - name: tainted session write needs approval
    tool: flag.set
    session: { tainted: true }
    args: { name: checkout, env: staging, rolloutPct: 50 }
    expect: { decision: require_approval }
`;

describe('palisade policy test', () => {
  it('passes every case of the seed policy (exit 0)', async () => {
    const r = await run(['policy', 'test', SEED, file('cases.yaml', CASES)]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS export masks email and routes EU data$/m);
    expect(r.out).toMatch(/^7\/7 passed/m);
  });

  it('a failing case prints FAIL with what differs (exit 1)', async () => {
    const cases = file('fail.yaml', '- { name: wrong, tool: orders.export, expect: { decision: deny } }\n- { tool: orders.get, expect: { decision: allow } }\n');
    const r = await run(['policy', 'test', SEED, cases]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL wrong\n {5}decision: expected deny, got allow$/m);
    expect(r.out).toMatch(/^PASS case 2 \(orders\.get\)$/m);
  });

  it('a bad policy or cases file is a configuration error naming file and line (exit 2)', async () => {
    const bad = file('bad.yaml', '- rule: x\n  when: { tool: a }\n  decision: nope\n');
    const r = await run(['policy', 'test', bad, file('c.yaml', CASES)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:3: \[0\]\.decision/);
    const r2 = await run(['policy', 'test', SEED, file('c2.yaml', '- { tool: x, expect: { decision: perhaps } }\n')]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/c2\.yaml: 0\.expect\.decision/);
    expect((await run(['policy', 'test', SEED])).code).toBe(2);
    expect((await run(['policy', 'frob'])).code).toBe(2);
  });
});

describe('palisade policy explain', () => {
  it('prints every rule with why it matched or not, and the decision', async () => {
    const r = await run(['policy', 'explain', '--policy', SEED, '--tool', 'flag.set', '--arg', 'env=prod', '--arg', 'rolloutPct=50', '--arg', 'name=x']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^MATCH flag-set-prod-ticket \[tool:flag\.set, enforce, deny\] matched$/m);
    expect(r.out).toMatch(/^skip {2}redact-email-by-default \[file:2, enforce, allow\] not matched: tool did not hold$/m);
    expect(r.out).toMatch(/when {3}FAIL tool: expected "orders.export", got "flag.set"/);
    expect(r.out).toMatch(/^skip {2}vendor-allow-list .* not matched: egress\.domain did not hold$/m);
    expect(r.out).toMatch(/^skip {2}palisade:tainted-session-write \[builtin/m);
    expect(r.out).toMatch(/^decision: deny \(rule flag-set-prod-ticket, TICKET_REQUIRED\)$/m);
    const t = await run(['policy', 'explain', '--policy', SEED, '--tool', 'flag.set', '--arg', 'env=dev', '--tainted']);
    expect(t.out).toMatch(/^MATCH palisade:tainted-session-write/m);
    expect(t.out).toMatch(/^decision: require_approval/m);
    const u = await run(['policy', 'explain', '--policy', SEED, '--tool', 'web.fetchSafe', '--arg', 'url=https://api.vendor.example/', '--egress-allow', 'api.vendor.example']);
    expect(u.out).toMatch(/^skip {2}vendor-allow-list .* not matched: unless \(egress\.domain_in_allowlist\) held$/m);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['policy', 'explain', '--policy', SEED])).code).toBe(2);
    expect((await run(['policy', 'explain', '--policy', SEED, '--tool', 'x', '--arg', 'noequals'])).code).toBe(2);
    expect((await run(['policy', 'explain', '--policy', SEED, '--tool', 'x', '--arg', '__proto__.a=1'])).code).toBe(2);
  });
});

describe('palisade doctor shows the policy file', () => {
  it('PASS for the seed; FAIL with file, line and path for a bad file', async () => {
    const good = await run(['doctor']);
    expect(good.out).toMatch(/^PASS policy\.file: 6 rules compile \(version [0-9a-f]{12}, enforce\); writes default to allow \(seed list form\)$/m);
    const pol = file('doctor-policy.yaml', 'rules:\n  - rule: x\n    when: { tool: a, args.n: { near: 1 } }\n    decision: deny\n');
    const cfg = file('doctor.yaml', `policy: ${pol}\n`);
    const bad = await run(['doctor', '--config', cfg]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^FAIL policy\.file: .*doctor-policy\.yaml:3: rules\[0\]\.when\.args\.n\.near: unknown operator/m);
  });
});
