import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/core/define.js';
import { createPalisade } from '../../src/palisade.js';
import { alice, codeOf, connectInMemory } from '../helpers/fixtures.js';

const profile = defineTool({
  name: 'demo.profile', description: 'A profile with a declared output', effect: 'read', scope: 'demo.read',
  input: { id: z.enum(['ok', 'leaky', 'broken']) },
  output: z.object({ id: z.string(), name: z.string() }),
  handler: async ({ id }) => (id === 'broken' ? { id, name: 42 } : { id, name: 'Ada', ...(id === 'leaky' && { passwordHash: 'x$y' }) }) as Record<string, unknown>,
});

describe('declared output schemas', () => {
  it('publishes outputSchema; the SDK client accepts results and denials alike', async () => {
    const palisade = await createPalisade({ tools: [profile], env: {} });
    const c = await connectInMemory(palisade);
    const { tools } = await c.client.listTools();
    expect(tools[0]!.outputSchema).toMatchObject({ type: 'object' });
    const ok = await c.client.callTool({ name: 'demo.profile', arguments: { id: 'ok' } });
    expect(ok.structuredContent).toEqual({ id: 'ok', name: 'Ada' });
    const denied = await c.client.callTool({ name: 'demo.profile', arguments: { id: 'nope' } });
    expect(codeOf(denied)).toBe('INVALID_PARAMS');
    await c.close();
  });

  it('strips fields the output schema does not name (no excessive exposure)', async () => {
    const palisade = await createPalisade({ tools: [profile], env: {} });
    const r = await palisade.call(alice, 'demo.profile', { id: 'leaky' });
    expect(r.structuredContent).toEqual({ id: 'leaky', name: 'Ada' });
    expect(JSON.stringify(r)).not.toContain('passwordHash');
  });

  it('a result of the wrong shape is a fault, not an answer', async () => {
    const palisade = await createPalisade({ tools: [profile], env: {} });
    expect(codeOf(await palisade.call(alice, 'demo.profile', { id: 'broken' }))).toBe('INTERNAL_ERROR');
  });
});
