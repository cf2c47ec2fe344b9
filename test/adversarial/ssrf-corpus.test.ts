import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCorpusHarness, type CorpusHarness } from './harness.js';
import { SSRF_CORPUS } from './ssrf-corpus.js';

let h: CorpusHarness;
beforeAll(async () => { h = await startCorpusHarness(); });
afterAll(async () => { await h.close(); });

describe('SSRF corpus', () => {
  it('has at least 40 cases with unique ids, covering every category', () => {
    expect(SSRF_CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(SSRF_CORPUS.map((c) => c.id)).size).toBe(SSRF_CORPUS.length);
    expect(new Set(SSRF_CORPUS.map((c) => c.category)).size).toBe(9);
  });

  it.each(SSRF_CORPUS.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const r = await h.clientFor(c).fetch(h.urlFor(c));
    expect(r.ok ? 'ALLOWED' : r.code).toBe(c.expect);
    // A redirect case is decided at a later hop, after the redirector answered.
    if (c.redirects && !r.ok) expect(r.hop).toBeGreaterThan(0);
  });

  it('never reached the public stand-in', () => {
    expect(h.canary.hits).toEqual([]);
  });
});
