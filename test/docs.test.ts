import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
const pages = ['README.md', 'CHANGELOG.md', ...docs.map((f) => `docs/${f}`)];

describe('the repository stands alone (issue 9, items 1 and 9)', () => {
  it('the package is palisade-mcp with the palisade bin, Apache-2.0 with its full text', () => {
    const pkg = JSON.parse(read('package.json')) as { name: string; bin: Record<string, string>; license: string };
    expect(pkg.name).toBe('palisade-mcp');
    expect(pkg.bin).toEqual({ palisade: 'bin/palisade.js' });
    expect(pkg.license).toBe('Apache-2.0');
    const lock = JSON.parse(read('package-lock.json')) as { name: string; packages: Record<string, { name?: string }> };
    expect(lock.name).toBe('palisade-mcp');
    expect(lock.packages['']?.name).toBe('palisade-mcp');
    const license = read('LICENSE');
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license.length).toBeGreaterThan(10_000);
  });

  it('no page points at a file that is not in the repository (DESIGN.md included)', () => {
    for (const page of pages) {
      const text = read(page);
      expect(text, page).not.toMatch(/DESIGN\.md/);
      const base = dirname(join(ROOT, page));
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue;
        expect(existsSync(resolve(base, target)), `${page} -> ${target}`).toBe(true);
      }
      // Backticked repository paths such as `docs/hosts.md` or `examples/palisade.prod.yaml`.
      for (const m of text.matchAll(/`((?:docs|examples|scripts|seed)\/[\w./-]+\.(?:md|yaml|json|ts))`/g)) {
        expect(existsSync(join(ROOT, m[1]!)), `${page} -> ${m[1]}`).toBe(true);
      }
    }
  });

  it('docs/README.md indexes every page in docs/, and the README points to the index', () => {
    const index = read('docs/README.md');
    for (const f of docs.filter((d) => d !== 'README.md')) expect(index, f).toContain(`](${f})`);
    expect(read('README.md')).toContain('docs/README.md');
    expect(read('CHANGELOG.md')).toMatch(/^## \[Unreleased\]$/m);
  });
});
