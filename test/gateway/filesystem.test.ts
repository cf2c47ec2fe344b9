import { mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { codeOf, textOf } from '../helpers/fixtures.js';
import { caller, client, FILESYSTEM, gatewayRuntime, NODE } from './helpers.js';

const runtimes: Runtime[] = [];
afterAll(async () => { for (const rt of runtimes) await rt.close(); });

/** The README's gateway example: the filesystem server behind Palisade, with a path policy and approvals for writes. */
describe('@modelcontextprotocol/server-filesystem behind the gateway', () => {
  it('reads under public/ only; ../ escapes are denied by policy before the upstream sees them; writes need approval', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-gwfs-'));
    const root = join(dir, 'share');
    mkdirSync(join(root, 'public'), { recursive: true });
    mkdirSync(join(root, 'private'), { recursive: true });
    writeFileSync(join(root, 'public', 'hello.txt'), 'hello from public');
    writeFileSync(join(root, 'private', 'secret.txt'), 'top secret');
    writeFileSync(join(dir, 'policy.yaml'), [
      'default: { read: deny, write: require_approval }',
      'rules:',
      '  - rule: no-path-escapes',
      '    when: { tool: "fs.*", args.path: "*..*" }',
      '    decision: deny',
      '  - rule: read-public-share',
      `    when: { tool: "fs.read_text_file", args.path: "${root}/public/*" }`,
      '    decision: allow',
      '',
    ].join('\n'));
    const { rt } = await gatewayRuntime(`server: { reference_tools: false }
policy: ./policy.yaml
upstreams:
  fs:
    command: ["${NODE}", "${FILESYSTEM}", "${root}"]
    tools:
      read_text_file: { effect: read,  scope: fs.read, data: [internal] }
      write_file:     { effect: write, scope: fs.write }
`, {}, dir);
    runtimes.push(rt);
    const c = await client(rt, { ...caller, grants: ['fs.read', 'fs.write'] });
    expect(textOf(await c.client.callTool({ name: 'fs.read_text_file', arguments: { path: join(root, 'public', 'hello.txt') } }))).toContain('hello from public');
    const priv = await c.client.callTool({ name: 'fs.read_text_file', arguments: { path: join(root, 'private', 'secret.txt') } });
    expect(codeOf(priv)).toBe('POLICY_DENY');
    const escape = await c.client.callTool({ name: 'fs.read_text_file', arguments: { path: `${root}/public/../private/secret.txt` } });
    expect(codeOf(escape)).toBe('POLICY_DENY');
    expect(JSON.stringify(escape)).not.toContain('top secret');
    const target = join(root, 'public', 'new.txt');
    const write = await c.client.callTool({ name: 'fs.write_file', arguments: { path: target, content: 'x', idemKey: crypto.randomUUID() } });
    expect(codeOf(write)).toBe('APPROVAL_REQUIRED');
    expect(existsSync(target)).toBe(false);
    expect(readFileSync(join(root, 'private', 'secret.txt'), 'utf8')).toBe('top secret');
    await c.close();
  }, 60_000);
});
