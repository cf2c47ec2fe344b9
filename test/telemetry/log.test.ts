import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('structured logs', () => {
  it('JSON lines on stderr with the trace id; emails, cards and tokens scrubbed', () => {
    const script = `
      import { createLogger } from './src/log.ts';
      import { logRecorder } from './src/audit/log-recorder.ts';
      const log = createLogger('info');
      logRecorder(log).record({ kind: 'call', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', at: Date.now(), decidedBy: 'policy',
        principal: { id: 'user:bob@example.com', type: 'user', tenant: 'acme', region: 'eu', grants: [] },
        toolName: 'card 4111111111111111', outcome: { kind: 'denied', deny: { allow: false, code: 'POLICY_DENY', message: 'm' } },
        trail: [], durationMs: 1, pii: { count: 0, byType: {} } });
      log.warn({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', note: 'Bearer abcdefghijklmnop' }, 'x');
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname, timeout: 20_000 });
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', code: 'POLICY_DENY', decision: 'deny' });
    // The DLP scrubber masks what it detects (the log uses the same detectors as results).
    expect(String(lines[0]!['actor'])).toMatch(/^user:b\*+@example\.com$/);
    expect(String(lines[0]!['tool'])).not.toContain('4111111111111111');
    expect(r.stderr).not.toMatch(/bob@example\.com|4111111111111111|eyJhbGci|abcdefghijklmnop/);
  });

  it('loses no line written just before process.exit (asynchronous destination, flushed on exit)', () => {
    const script = `
      import { createLogger } from './src/log.ts';
      const log = createLogger('info');
      for (let i = 0; i < 2000; i++) log.info({ i }, 'line');
      process.exit(0);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname, timeout: 20_000 });
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { i: number });
    expect(lines).toHaveLength(2000);
    expect(lines[1999]!.i).toBe(1999);
  });

  it('writes a quiet server\'s line within a moment, not only at exit', () => {
    const script = `
      import { writeSync } from 'node:fs';
      import { createLogger } from './src/log.ts';
      const log = createLogger('info');
      log.info({ n: 1 }, 'alone');
      setTimeout(() => { writeSync(2, 'MARK\\n'); process.exit(0); }, 400);
      setInterval(() => undefined, 1000);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname, timeout: 20_000 });
    const lines = r.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('MARK');
    expect(lines[0]).toContain('"msg":"alone"');
  });
});
