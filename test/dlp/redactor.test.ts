import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { allow } from '../../src/core/decision.js';
import { defineTool } from '../../src/core/define.js';
import type { CallRecord } from '../../src/core/record.js';
import { dlpRedactor } from '../../src/dlp/redactor.js';
import { createPalisade } from '../../src/palisade.js';
import { createReferenceTools } from '../../src/tools/index.js';
import { acme } from '../tools/reference-helpers.js';
import { alice } from '../helpers/fixtures.js';
import { checksummed, prng } from './corpus.js';

const token = checksummed(prng(1), 'ghp_');
const seedObligation = { name: 'seed-policy', check: (inv: { tool: { name: string } }) => allow(inv.tool.name === 'orders.export' ? { obligations: [{ kind: 'redact', field: 'email', mode: 'mask', rule: 'redact-email-by-default' }] } : {}) };

function tool(result: Record<string, unknown>) {
  return defineTool({ name: 'demo.people', description: 'people', effect: 'read', scope: 'demo.read', input: {}, handler: async () => result });
}

describe('dlpRedactor in the redact stage', () => {
  it("seed policy: redact-email-by-default masks orders.export emails even when the tool was asked for none; pii counted by type", async () => {
    const loaded = loadConfig({ env: { PALISADE_DATA_DIR: mkdtempSync(join(tmpdir(), 'pal-dlp-')) } });
    const ref = await createReferenceTools(loaded);
    const records: CallRecord[] = [];
    const palisade = await createPalisade({ tools: ref.tools, env: {}, stages: { policy: seedObligation as never }, recorders: [{ record: (r) => { records.push(r); } }] });
    const pii = { ...acme, grants: [...acme.grants, 'orders.read:pii'] };
    const r = await palisade.call(pii, 'orders.export', { from: '2025-08-25', to: '2025-08-31', mask: [] });
    const rows = (r.structuredContent as { rows: { email: string; phone: string }[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.email).toMatch(/^.\*\*\*@/);
    const text = JSON.stringify(r.content);
    expect(text).not.toMatch(/[a-z0-9]\.[a-z]+\d*@/); // no clear local part in the text mirror
    const rec = records.at(-1)!;
    expect(rec.pii.byType['email']).toBe(rows.length);
    expect(rec.pii.byType['phone']).toBe(rows.length); // counted, left as is (the grant allows them)
    expect(rec.pii.count).toBe(rec.pii.byType['email']! + rec.pii.byType['phone']!);
    await palisade.close(); await ref.close();
  });

  it('default profile masks a token and keeps the last four of a card in every tool, structured and text', async () => {
    const palisade = await createPalisade({ tools: [tool({ note: `use ${token} now`, card: '4111 1111 1111 1111' })], env: {} });
    const r = await palisade.call(alice, 'demo.people', {});
    expect(r.structuredContent).toEqual({ note: 'use [redacted:github_token] now', card: '**** **** **** 1111' });
    expect(JSON.stringify(r)).not.toContain(token);
    await palisade.close();
  });

  it('hash is HMAC per tenant: stable within a tenant (joins work), different across tenants', async () => {
    const obligations = { name: 'p', check: () => allow({ obligations: [{ kind: 'redact', field: 'email', mode: 'hash' }] }) };
    const palisade = await createPalisade({
      tools: [tool({ email: 'Jane.Doe@example.com', note: 'jane.doe@example.com' })], env: {},
      stages: { policy: obligations as never }, redactor: dlpRedactor({ hashKey: async () => 'k'.repeat(32) }),
    });
    const a = (await palisade.call(alice, 'demo.people', {})).structuredContent as Record<string, string>;
    const b = (await palisade.call({ ...alice, tenant: 'globex' }, 'demo.people', {})).structuredContent as Record<string, string>;
    expect(a['email']).toMatch(/^hash:[0-9a-f]{16}$/);
    expect(a['note']).toBe(a['email']); // same address, other case: same hash
    expect(b['email']).toMatch(/^hash:[0-9a-f]{16}$/);
    expect(b['email']).not.toBe(a['email']);
    await palisade.close();
  });

  it('a hash key that cannot be read masks instead (never the clear value)', async () => {
    const obligations = { name: 'p', check: () => allow({ obligations: [{ kind: 'redact', field: 'email', mode: 'hash' }] }) };
    const palisade = await createPalisade({
      tools: [tool({ email: 'jane@example.com' })], env: {},
      stages: { policy: obligations as never }, redactor: dlpRedactor({ hashKey: () => { throw new Error('vault down'); } }),
    });
    expect((await palisade.call(alice, 'demo.people', {})).structuredContent).toEqual({ email: 'j***@example.com' });
    await palisade.close();
  });

  it('upstream-style content: text blocks, JSON text, embedded resource text and resource links are redacted', async () => {
    const r = await dlpRedactor().redact({
      content: [
        { type: 'text', text: `key ${token}` },
        { type: 'text', text: JSON.stringify({ ssn: '536-22-1234' }) },
        { type: 'resource', resource: { uri: 'file:///x', text: `-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----` } },
        { type: 'resource_link', uri: `https://x.example/?t=${token}`, name: 'x' },
        { type: 'image', data: 'aGk=', mimeType: 'image/png' },
      ],
    }, { obligations: [], principal: alice } as never);
    const out = JSON.stringify(r.value);
    expect(out).not.toContain(token);
    expect(out).not.toContain('536-22-1234');
    expect(out).not.toContain('MIIB');
    expect(r.pii).toEqual({ count: 4, byType: { github_token: 2, ssn: 1, private_key: 1 } });
  });

  it('a profile naming an unknown detector stops start-up', () => {
    expect(() => dlpRedactor({ profile: { detect: ['passport' as never] } })).toThrow(TypeError);
  });
});
