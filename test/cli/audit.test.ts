import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/writer.js';
import { call, lines, newSigner, seqIndex, writeChain, writeLines } from '../audit/helpers.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const run = (dataDir: string, args: string[]) =>
  spawnSync(process.execPath, [BIN, 'audit', ...args], { encoding: 'utf8', env: { ...process.env, PALISADE_DATA_DIR: dataDir }, timeout: 20_000 });

describe('palisade audit (CLI)', () => {
  it('verify: exit 0 when intact, exit 1 naming the first bad seq and why', async () => {
    const data = mkdtempSync(join(tmpdir(), 'pal-audit-cli-'));
    const dir = await writeChain(join(data, 'audit'), 300);
    const ok = run(data, ['verify']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok node-a: 305 records/);
    const f = join(dir, '000001.jsonl');
    const ls = lines(f);
    const i = seqIndex(ls, 42);
    ls[i] = ls[i]!.replace('"tenant":"acme"', '"tenant":"acne"');
    writeLines(f, ls);
    const bad = run(data, ['verify']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL node-a: seq 42: hash-mismatch/);
    expect(run(data, ['verify', f]).stdout).toMatch(/seq 42: hash-mismatch/);
    expect(run(data, ['verify', 'a', 'b']).status).toBe(2);
  });

  it('export --trace writes a bundle that verify --bundle checks offline; a forged one fails', async () => {
    const data = mkdtempSync(join(tmpdir(), 'pal-audit-cli-'));
    await writeChain(join(data, 'audit'), 200);
    const out = join(data, 'evidence.json');
    expect(run(data, ['export', '--trace', 'trace-11', '--out', out]).status).toBe(0);
    const v = run(data, ['verify', '--bundle', out, '--key', join(data, 'audit', 'node-a', 'audit-public.pem')]);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/record\(s\) of trace trace-11; key \w+ \(trusted\)/);
    const bundle = JSON.parse(readFileSync(out, 'utf8'));
    bundle.chains[0].lines = bundle.chains[0].lines.map((l: string) => l.replace('"tool":"orders.get"', '"tool":"flag.set"'));
    writeFileSync(out, JSON.stringify(bundle));
    const f = run(data, ['verify', '--bundle', out]);
    expect(f.status).toBe(1);
    expect(f.stdout).toMatch(/hash-mismatch/);
    expect(run(data, ['export', '--trace', 'missing']).status).toBe(1);
    expect(run(data, ['export']).status).toBe(2);
  });

  it('tail follows decisions live, human-readable', async () => {
    const data = mkdtempSync(join(tmpdir(), 'pal-audit-cli-'));
    const log = openAuditLog({ dir: join(data, 'audit', 'node-a'), instance: 'node-a', signer: newSigner() });
    const child = spawn(process.execPath, [BIN, 'audit', 'tail'], { env: { ...process.env, PALISADE_DATA_DIR: data }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      // tail says so once it has taken its starting offsets
      await new Promise((r) => child.stderr.once('data', r));
      log.append(call(7, { traceId: 'live-trace' }));
      log.append(call(1, { traceId: 'live-2', tool: 'flag.set' }));
      log.flush();
      const deadline = Date.now() + 10_000;
      while (!out.includes('live-2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/node-a #\d+ DENY\s+POLICY_DENY \(policy\) orders.get actor=agent:dev tenant=acme trace=live-trace/);
      expect(out).toMatch(/ALLOW\s+flag.set .*trace=live-2/);
      expect(out).not.toMatch(/genesis/);
    } finally {
      child.kill();
      await log.close();
    }
  });
});
