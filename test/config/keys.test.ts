import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authenticatorFromConfig } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { createRuntime } from '../../src/runtime.js';
import { secretsFromConfig } from '../../src/secrets/index.js';
import { createMemoryStore } from '../../src/state/memory.js';

/** Every accepted key acts: a config with the key set, and its effect asserted. */
function cfg(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const d = mkdtempSync(join(tmpdir(), 'pal-keys-'));
  writeFileSync(join(d, 'p.yaml'), yaml);
  return { dir: d, loaded: loadConfig({ file: join(d, 'p.yaml'), env: { PALISADE_DATA_DIR: join(d, 'data'), ...env }, cwd: d }) };
}
const base = 'baseline: ./b.yaml\n';
function withBaseline(yaml: string, env?: NodeJS.ProcessEnv) {
  const d = mkdtempSync(join(tmpdir(), 'pal-keys-'));
  writeFileSync(join(d, 'b.yaml'), 'transport: { mtls: false }\nauth: { claims: [aud, iss, sub, exp, jti] }\n');
  writeFileSync(join(d, 'p.yaml'), base + yaml);
  return { dir: d, loaded: loadConfig({ file: join(d, 'p.yaml'), env: { PALISADE_DATA_DIR: join(d, 'data'), ...env }, cwd: d }) };
}

describe('honest config: each key does what it says', () => {
  it('auth.issuers[].algorithms restricts that issuer: an ES256 token from an EdDSA-only issuer is refused', async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const d = mkdtempSync(join(tmpdir(), 'pal-alg-'));
    writeFileSync(join(d, 'idp.pem'), await exportSPKI(keys.publicKey));
    const resource = 'https://127.0.0.1:8443/mcp';
    const mint = () => new SignJWT({ iss: 'https://idp.test', sub: 'u', aud: resource, tenant_id: 'acme', jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).setIssuedAt().setExpirationTime('5m').sign(keys.privateKey);
    const auth = async (algs: string) => {
      const { loaded } = withBaseline(`auth: { issuers: [{ issuer: "https://idp.test", public_keys: ["${join(d, 'idp.pem')}"], algorithms: ${algs} }] }\n`);
      return authenticatorFromConfig(loaded, { store: createMemoryStore(), secrets: secretsFromConfig(loaded), resource, scopesSupported: [] });
    };
    expect((await (await auth('[ES256]')).authenticate(`Bearer ${await mint()}`, { sessionId: 's1' })).ok).toBe(true);
    const refused = await (await auth('[EdDSA]')).authenticate(`Bearer ${await mint()}`, { sessionId: 's2' });
    expect(refused).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    await expect(auth('[HS256]')).rejects.toThrow(ConfigError);
  });

  it('keys that did nothing are gone (auth.audience, server.admin): a file naming them does not load', () => {
    expect(() => cfg('auth: { audience: https://x.example/mcp }\n')).toThrow(/auth: Unrecognized key/);
    expect(() => cfg('server: { admin: { port: 9000 } }\n')).toThrow(/server: Unrecognized key/);
  });

  it('tools.<name>: cost_usd and timeout_ms act; an unknown tool name or key stops start-up', async () => {
    const { loaded } = cfg('tools: { orders.export: { cost_usd: 0.25, timeout_ms: 1234 } }\n');
    const rt = await createRuntime(loaded, { env: {} });
    try {
      const t = rt.palisade.catalog.get('orders.export')!;
      expect(t.cost).toBe(0.25);
      expect(t.timeoutMs).toBe(1234);
    } finally { await rt.close(); }
    const typo = cfg('tools: { orders.exprot: { cost_usd: 1 } }\n');
    await expect(createRuntime(typo.loaded, { env: {} })).rejects.toThrow(/tools\.orders\.exprot: no tool of that name/);
    expect(() => cfg('tools: { orders.export: { costs: 1 } }\n')).toThrow(ConfigError);
  });

  it('auth.step_up turns hidden tools into listed ones', async () => {
    for (const [yaml, want] of [['auth: { step_up: true }\n', true], ['{}\n', false]] as const) {
      const { loaded } = cfg(yaml);
      const rt = await createRuntime(loaded, { env: {} });
      try {
        expect(rt.palisade.stepUp).toBe(want);
        const nobody = { id: 'x', type: 'agent', tenant: 'acme', region: 'eu-west', grants: [] };
        expect(rt.palisade.visibleTools(nobody).length > 0).toBe(want);
      } finally { await rt.close(); }
    }
  });

  it('killswitch defaults and MCP_READ_ONLY are built once, for every command', async () => {
    const { loaded } = cfg('killswitch: { quarantine: [orders.get] }\n');
    const rt = await createRuntime(loaded, { env: { MCP_READ_ONLY: 'TRUE' } });
    try {
      const s = rt.palisade.switches.current();
      expect(s.readOnly && s.readOnlyForced).toBe(true);
      expect([...s.quarantine]).toEqual(['orders.get']);
    } finally { await rt.close(); }
  });

  it('egress.allow_addresses must be CIDRs', () => {
    const { loaded } = cfg('egress: { allow_addresses: ["127.0.0.1/32"] }\n');
    expect(loaded.config.egress.allow_addresses).toEqual(['127.0.0.1/32']);
    return expect(createRuntime(cfg('egress: { allow_addresses: ["not-a-cidr"] }\n').loaded, { env: {} })).rejects.toThrow(/allow_addresses\[0\]/);
  });
});
