import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { mcpServersSnippet, stdioLaunch } from '../../src/cli/hosts.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'palisade.js');
interface Entry { command: string; args: string[]; env?: Record<string, string>; type?: string }

/** What `serve --stdio` prints on stderr, up to the snippet line; the process is then stopped. */
function printedSnippet(env: Record<string, string>, args: string[] = []): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, [BIN, 'serve', '--stdio', ...args], { env: { PATH: process.env['PATH'] ?? '', PALISADE_LOG_LEVEL: 'warn', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const line = err.split('\n').find((l) => l.trim().startsWith('{"mcpServers"'));
      if (line) { p.stdin.end(); resolvePromise(line.trim()); }
    });
    p.on('close', () => reject(new Error(`no snippet printed: ${err}`)));
  });
}

/** Starts exactly what a host would, from `/`, and lists the tools with the SDK client. */
async function listFromSlash(entry: Entry): Promise<string[]> {
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: entry.env ?? {}, cwd: '/', stderr: 'pipe' });
  const client = new Client({ name: 'host-test', version: '0' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe('desktop host snippets (issue 9, item 1)', () => {
  it('the snippet serve --stdio prints starts the server from / with only what it prints', async () => {
    const data = mkdtempSync(join(tmpdir(), 'pal-host-'));
    const line = await printedSnippet({ PALISADE_DATA_DIR: data });
    expect(line).not.toMatch(/npx/);
    const servers = (JSON.parse(line) as { mcpServers: Record<string, Entry> }).mcpServers;
    const entry = Object.values(servers)[0]!;
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([BIN, 'serve', '--stdio']);
    expect(entry.env).toEqual({ PALISADE_DATA_DIR: data });
    expect(await listFromSlash(entry)).toEqual(expect.arrayContaining(['orders.export', 'flag.set', 'web.fetchSafe']));
  });

  it('with --config the snippet carries the absolute config path, and a relative data dir becomes absolute', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-host-cfg-'));
    writeFileSync(join(dir, 'palisade.yaml'), 'server: { name: my-tools, data_dir: ./state }\n');
    const launch = stdioLaunch({ dataDir: 'rel/data', file: 'rel/palisade.yaml' });
    expect(launch.env['PALISADE_DATA_DIR']).toBe(resolve('rel/data'));
    expect(launch.env['PALISADE_CONFIG']).toBe(resolve('rel/palisade.yaml'));
    const line = await new Promise<string>((res, rej) => {
      const p = spawn(process.execPath, [BIN, 'serve', '--stdio', '--config', 'palisade.yaml'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', PALISADE_LOG_LEVEL: 'warn' } });
      let err = '';
      p.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const l = err.split('\n').find((x) => x.trim().startsWith('{"mcpServers"'));
        if (l) { p.stdin.end(); res(l.trim()); }
      });
      p.on('close', () => rej(new Error(err)));
    });
    const entry = (JSON.parse(line) as { mcpServers: Record<string, Entry> }).mcpServers['my-tools']!;
    expect(entry.env).toEqual({ PALISADE_DATA_DIR: join(dir, 'state'), PALISADE_CONFIG: join(dir, 'palisade.yaml') });
    expect(await listFromSlash(entry)).toContain('orders.get');
    expect(mcpServersSnippet('x', launch)).not.toContain('REDIS_URL');
  });

  it('docs/hosts.md: every JSON snippet starts from / once its paths are filled in; no npx anywhere', async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'hosts.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(3);
    const data = mkdtempSync(join(tmpdir(), 'pal-host-doc-'));
    writeFileSync(join(data, 'palisade.yaml'), 'server: { name: from-docs }\n');
    for (const block of blocks) {
      const filled = block.replaceAll('/path/to/node', process.execPath).replaceAll('/path/to/palisade', ROOT).replaceAll('/path/to/data', data);
      const doc2 = JSON.parse(filled) as { mcpServers?: Record<string, Entry>; servers?: Record<string, Entry> };
      const entry = Object.values(doc2.mcpServers ?? doc2.servers ?? {})[0]!;
      if (doc2.servers) expect(entry.type).toBe('stdio');
      expect(await listFromSlash(entry)).toContain('orders.export');
    }
  });
});

describe('a data directory that cannot be created', () => {
  it('exits 2 with one line saying to set PALISADE_DATA_DIR (the reported mkdir \'/.palisade\' case)', async () => {
    const { spawnSync } = await import('node:child_process');
    // /sys refuses mkdir even to root, like / does to a desktop user.
    const r = spawnSync(process.execPath, [BIN, 'serve', '--stdio'], { cwd: '/', input: '', encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', PALISADE_DATA_DIR: '/sys/palisade-test' }, timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^palisade serve: cannot create the data directory \/sys\/palisade-test \(E(ACCES|PERM|ROFS)\); set PALISADE_DATA_DIR/)]);
  });
});

describe('never npx palisade', () => {
  it('no file in the tree suggests it', async () => {
    const { spawnSync } = await import('node:child_process');
    // git grep over tracked and untracked files (node_modules is a symlink and is not followed); exit 1 = no match.
    const r = spawnSync('git', ['grep', '--untracked', '-n', '-I', '-E', 'npx[^a-z]+palisade', '--', '.', ':!test/cli/hosts.test.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status === 0 || r.status === 1, r.stderr).toBe(true);
    // A line that warns against it ("never run `npx palisade`") is the point, not a suggestion.
    const hits = r.stdout.trim().split('\n').filter((l) => l && !/never/i.test(l)).join('\n');
    expect(hits).toBe('');
  }, 10_000);
});
