import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/dlp/scan.js';
import { DETECTOR_TYPES, type DetectorType } from '../../src/dlp/types.js';
import { negatives, positives, type Doc } from './corpus-docs.js';
import { prng } from './corpus.js';

type Tally = { tp: number; fp: number; fn: number };

function evaluate(docs: Doc[]) {
  const t = Object.fromEntries(DETECTOR_TYPES.map((d) => [d, { tp: 0, fp: 0, fn: 0 }])) as Record<DetectorType, Tally>;
  const misses: string[] = [];
  for (const { doc, labels } of docs) {
    const found = scanText(doc);
    const used = new Set<number>();
    for (const l of labels) {
      const k = found.findIndex((f, i) => !used.has(i) && f.type === l.type && doc.slice(f.start, f.end) === l.value);
      if (k >= 0) { used.add(k); t[l.type].tp++; } else { t[l.type].fn++; misses.push(`FN ${l.type}: ${l.value}`); }
    }
    found.forEach((f, i) => { if (!used.has(i)) { t[f.type].fp++; misses.push(`FP ${f.type}: ${doc.slice(f.start, f.end)}`); } });
  }
  return { t, misses };
}

describe('labelled corpus (seeded, generated)', () => {
  const r = prng(20261125);
  const pos = positives(r, 90);
  const neg = negatives(r, 1200);
  const { t, misses } = evaluate([...pos, ...neg]);

  it('has >= 1,000 positives and >= 1,000 hard negatives', () => {
    expect(pos.reduce((n, d) => n + d.labels.length, 0)).toBeGreaterThanOrEqual(1000);
    expect(neg.length).toBeGreaterThanOrEqual(1000);
  });

  it.each(DETECTOR_TYPES)('%s: recall >= 0.99 and precision >= 0.98', (type) => {
    const { tp, fp, fn } = t[type];
    expect(tp + fn, 'positives of this type').toBeGreaterThanOrEqual(60);
    const recall = tp / (tp + fn);
    const precision = tp / (tp + fp);
    const detail = misses.filter((m) => m.includes(` ${type}: `)).slice(0, 5).join('\n');
    expect(recall, detail).toBeGreaterThanOrEqual(0.99);
    expect(precision, detail).toBeGreaterThanOrEqual(0.98);
  });
});
