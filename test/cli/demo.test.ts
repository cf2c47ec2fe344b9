import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;

describe('palisade demo', () => {
  it('runs the seed smoke tests through a real stdio client: all PASS, exit 0', () => {
    const r = spawnSync(process.execPath, [BIN, 'demo'], { encoding: 'utf8', timeout: 60_000 });
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('PASS'))).toHaveLength(6);
    expect(lines.some((l) => l.startsWith('FAIL'))).toBe(false);
    expect(r.status).toBe(0);
  });

  it('takes no arguments (exit 2)', () => {
    expect(spawnSync(process.execPath, [BIN, 'demo', 'extra'], { encoding: 'utf8' }).status).toBe(2);
  });
});
