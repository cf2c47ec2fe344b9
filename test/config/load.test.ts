import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';

function dir() { return mkdtempSync(join(tmpdir(), 'pal-cfg-')); }

describe('loadConfig', () => {
  it('embedded default: seed files as written, data dir under cwd', () => {
    const cwd = dir();
    const l = loadConfig({ env: {}, cwd });
    expect(l.development).toBe(true);
    expect(l.dataDir).toBe(join(cwd, '.palisade'));
    expect(l.baseline.transport.tls_min_version).toBe('1.2');
    expect(l.baseline.auth.max_ttl_seconds).toBe(600);
    expect(l.limits[0]!.principal).toBe('agent:copilot');
    expect(l.limits[0]!.limits.rpm).toBe(60);
  });

  it('PALISADE_DATA_DIR moves the data directory; PALISADE_CONFIG names the file', () => {
    const d = dir();
    writeFileSync(join(d, 'p.yaml'), 'server: { name: x }\n');
    const l = loadConfig({ env: { PALISADE_DATA_DIR: '/tmp/pal-x', PALISADE_CONFIG: join(d, 'p.yaml') }, cwd: d });
    expect(l.dataDir).toBe('/tmp/pal-x');
    expect(l.config.server.name).toBe('x');
    expect(l.development).toBe(false);
  });

  it('resolves referenced seed-shaped files against the config folder', () => {
    const d = dir();
    writeFileSync(join(d, 'limits.json'), JSON.stringify([{ principal: 'agent:a', limits: { rpm: 1, burst: 2, concurrency: 1, daily_cost_usd: 1 } }]));
    writeFileSync(join(d, 'p.yaml'), 'limits: ./limits.json\n');
    const l = loadConfig({ file: join(d, 'p.yaml'), env: {} });
    expect(l.limits).toHaveLength(1);
    expect(l.limits[0]!.principal).toBe('agent:a');
  });

  it.each([
    ['unknown key', 'servre: {}\n', /\(top level\)|servre/],
    ['bad type', 'server: { http: { port: "x" } }\n', /server\.http\.port/],
    ['wildcard grant', 'stdio: { principal: { id: a, tenant: t, region: r, grants: ["orders.*"] } }\n', /stdio\.principal\.grants\.0: wildcard/],
    ['bad yaml', 'server: [\n', /not valid YAML/],
  ])('a bad file stops start-up naming file, path and reason: %s', (_n, text, re) => {
    const d = dir();
    const f = join(d, 'p.yaml');
    writeFileSync(f, text);
    let err: unknown;
    try { loadConfig({ file: f, env: {} }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).toMatch(re);
  });

  it('a missing referenced file is a ConfigError', () => {
    const d = dir();
    writeFileSync(join(d, 'p.yaml'), 'baseline: ./nope.yaml\n');
    expect(() => loadConfig({ file: join(d, 'p.yaml'), env: {} })).toThrow(ConfigError);
  });

  it.each([
    ['tenant', "{ id: 'v', tenant: 'acme|u', region: eu-west }", 'stdio.principal.tenant'],
    ['subject', "{ id: 'u|v', tenant: acme, region: eu-west }", 'stdio.principal.id'],
    ['subject with a newline', '{ id: "a\\nb", tenant: acme, region: eu-west }', 'stdio.principal.id'],
    ['region', "{ id: v, tenant: acme, region: 'EU West' }", 'stdio.principal.region'],
  ])('a config principal whose %s carries a separator or control character is refused at start', (_n, principal, path) => {
    const d = dir();
    writeFileSync(join(d, 'p.yaml'), `stdio: { principal: ${principal} }\n`);
    expect(() => loadConfig({ file: join(d, 'p.yaml'), env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ file: join(d, 'p.yaml'), env: {} })).toThrow(path);
  });

  it('state.redis_prefix must end with ":" (a prefix and a key cannot trade characters)', () => {
    const d = dir();
    writeFileSync(join(d, 'p.yaml'), 'state: { redis_prefix: palisade }\n');
    expect(() => loadConfig({ file: join(d, 'p.yaml'), env: {} })).toThrow('state.redis_prefix');
  });
});
