import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allow } from '../../src/core/decision.js';
import { defineTool } from '../../src/core/define.js';
import { maskValue } from '../../src/dlp/obligations.js';
import { createPalisade } from '../../src/palisade.js';
import { alice } from '../helpers/fixtures.js';

describe('obligation redactor', () => {
  it('masks, removes and hashes fields named by redact obligations, at any depth', async () => {
    const t = defineTool({
      name: 'demo.people', description: 'people', effect: 'read', scope: 'demo.read', input: { q: z.string().optional() },
      handler: async () => ({ rows: [{ email: 'jane.doe@example.com', phone: '+441234567890', ssn: '123-45-6789', name: 'Jane' }] }),
    });
    const seen: number[] = [];
    const palisade = await createPalisade({
      tools: [t], env: {},
      stages: { policy: { name: 'p', check: () => allow({ obligations: [
        { kind: 'redact', field: 'email', mode: 'mask' },
        { kind: 'redact', field: 'phone', mode: 'drop' },
        { kind: 'redact', field: 'ssn', mode: 'hash' },
      ] }) } },
      recorders: [{ record: (r) => { seen.push(r.pii.count); } }],
    });
    const r = await palisade.call(alice, 'demo.people', {});
    // hash without a key masks (typed since the DLP engine): the clear value never leaves
    expect(r.structuredContent).toEqual({ rows: [{ email: 'j***@example.com', ssn: '[redacted:ssn]', name: 'Jane' }] });
    expect(JSON.stringify(r.content)).not.toContain('jane.doe');
    expect(seen).toEqual([3]);
  });

  it('maskValue never returns the input', () => {
    for (const v of ['a@b.c', 'x', '12345', '+441234567890']) expect(maskValue(v)).not.toBe(v);
  });
});
