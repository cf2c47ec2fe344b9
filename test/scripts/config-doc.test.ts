import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderConfigDoc, rowsOf, staleDescriptions, undocumentedKeys } from '../../scripts/config-doc.js';

describe('docs/config.md (issue 9, item 4)', () => {
  it('matches the schema: regenerating gives the committed file (run `npm run docs:config` after a schema change)', () => {
    expect(readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8')).toBe(renderConfigDoc());
  });

  it('every key has a description, and no description outlives its key', () => {
    expect(undocumentedKeys()).toEqual([]);
    expect(staleDescriptions()).toEqual([]);
  });

  it('the generator follows nesting, lists, maps, optionals, enums, bounds and schema descriptions', () => {
    const s = z.strictObject({
      a: z.strictObject({ b: z.number().int().min(1).max(5).default(2).describe('from the schema') }).prefault({}),
      list: z.array(z.strictObject({ x: z.string() })).default([]),
      map: z.record(z.string(), z.strictObject({ y: z.boolean().optional() })).default({}),
      opt: z.strictObject({ z: z.enum(['p', 'q']) }).optional(),
      must: z.string(),
    });
    const rows = rowsOf(s, '', { must: 'from the table', 'a.b': 'loses to the schema' });
    const by = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(Object.keys(by)).toEqual(['a', 'a.b', 'list', 'list[].x', 'map', 'map.<name>.y', 'opt', 'opt.z', 'must']);
    expect(by['a.b']).toMatchObject({ type: 'integer (>= 1, <= 5)', default: '`2`', description: 'from the schema' });
    expect(by['opt.z']!.type).toBe('"p" \\| "q" (required)');
    expect(by['must']).toMatchObject({ type: 'string (required)', description: 'from the table' });
  });
});
