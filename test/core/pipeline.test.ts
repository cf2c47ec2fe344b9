import { afterEach, describe, expect, it } from 'vitest';
import { allow, deny } from '../../src/core/decision.js';
import { createPalisade } from '../../src/palisade.js';
import { alice, codeOf, connectInMemory, fixturePalisade, fixtureTools, textOf, uuid } from '../helpers/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

describe('pipeline through the SDK client (InMemoryTransport)', () => {
  it('lists only reachable tools with closed schemas', async () => {
    const { palisade } = await fixturePalisade();
    const c = await connectInMemory(palisade, { ...alice, grants: ['demo.read'] });
    cleanups.push(c.close);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['demo.boom', 'demo.echo']);
    for (const t of tools) expect(t.inputSchema['additionalProperties']).toBe(false);
  });

  it('publishes idemKey as required for write tools', async () => {
    const { palisade } = await fixturePalisade();
    const c = await connectInMemory(palisade);
    cleanups.push(c.close);
    const { tools } = await c.client.listTools();
    const sw = tools.find((t) => t.name === 'switch.set')!;
    expect(sw.inputSchema.required).toContain('idemKey');
    expect(sw.annotations?.readOnlyHint).toBe(false);
  });

  it('answers a good call with structuredContent and text', async () => {
    const { palisade } = await fixturePalisade();
    const c = await connectInMemory(palisade);
    cleanups.push(c.close);
    const r = await c.client.callTool({ name: 'demo.echo', arguments: { message: 'hi', times: 2 } });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ echoed: 'hi hi' });
    expect(JSON.parse(textOf(r))).toEqual({ echoed: 'hi hi' });
  });

  it('denies an unknown tool with NOT_FOUND', async () => {
    const { palisade } = await fixturePalisade();
    const c = await connectInMemory(palisade);
    cleanups.push(c.close);
    const r = await c.client.callTool({ name: 'no.such', arguments: {} });
    expect(codeOf(r)).toBe('NOT_FOUND');
    expect(textOf(r)).toMatch(/^DENY: /);
  });

  it('turns a handler fault into ERROR with INTERNAL_ERROR and no internal detail', async () => {
    const { palisade } = await fixturePalisade();
    const c = await connectInMemory(palisade);
    cleanups.push(c.close);
    const r = await c.client.callTool({ name: 'demo.boom', arguments: {} });
    expect(r.isError).toBe(true);
    expect(codeOf(r)).toBe('INTERNAL_ERROR');
    expect(textOf(r)).toMatch(/^ERROR: /);
    expect(JSON.stringify(r)).not.toContain('passwd');
  });

  it('fails closed when a guard throws', async () => {
    const { tools } = fixtureTools();
    const palisade = await createPalisade({
      tools, env: {},
      stages: { policy: { name: 'broken', check: () => { throw new Error('redis down'); } } },
    });
    const r = await palisade.call(alice, 'demo.echo', { message: 'x' });
    expect(codeOf(r)).toBe('INTERNAL_ERROR');
    expect(textOf(r)).toMatch(/^DENY: stage policy failed/);
    expect(JSON.stringify(r)).not.toContain('redis');
  });

  it('runs finalizers and recorders for denied calls too', async () => {
    const { tools } = fixtureTools();
    const seen: string[] = [];
    const palisade = await createPalisade({
      tools, env: {},
      stages: {
        policy: { name: 'tracker', check: () => allow({ finalize: (o) => { seen.push(`fin:${o.kind}`); } }) },
        limits: { name: 'denier', check: () => deny('RATE_LIMITED', 'too many', { retryAfterMs: 1500 }) },
      },
      recorders: [{ record: (rec) => { seen.push(`rec:${rec.outcome.kind}`); } }],
    });
    const r = await palisade.call(alice, 'demo.echo', { message: 'x' });
    expect(codeOf(r)).toBe('RATE_LIMITED');
    expect(r.structuredContent!['retryAfterMs']).toBe(1500);
    expect(seen).toEqual(['fin:denied', 'rec:denied']);
  });

  it('aborts a handler past its deadline with UPSTREAM_ERROR', async () => {
    const { defineTool } = await import('../../src/core/define.js');
    const slow = defineTool({
      name: 'slow', description: 'sleeps', effect: 'read', scope: 'demo.read', input: {},
      handler: (_a, ctx) => new Promise<Record<string, unknown>>((resolve) => { const t = setTimeout(() => resolve({}), 5000); ctx.signal.addEventListener('abort', () => clearTimeout(t)); }),
    });
    const palisade = await createPalisade({ tools: [slow], env: {}, handlerTimeoutMs: 50 });
    const r = await palisade.call(alice, 'slow', {});
    expect(codeOf(r)).toBe('UPSTREAM_ERROR');
  });

  it('aborts the handler signal on the deadline even when the handler reads it late', async () => {
    const { defineTool } = await import('../../src/core/define.js');
    let late: AbortSignal | undefined;
    const slow = defineTool({
      name: 'slow', description: 'sleeps', effect: 'read', scope: 'demo.read', input: {},
      handler: (_a, ctx) => new Promise<Record<string, unknown>>((resolve) => setTimeout(() => { late = ctx.signal; resolve({}); }, 120)),
    });
    const palisade = await createPalisade({ tools: [slow], env: {}, handlerTimeoutMs: 30 });
    expect(codeOf(await palisade.call(alice, 'slow', {}))).toBe('UPSTREAM_ERROR');
    await new Promise((r) => setTimeout(r, 150));
    expect(late?.aborted).toBe(true);
  });

  it("passes the caller's abort to the handler signal, and leaves no listener behind", async () => {
    const { defineTool } = await import('../../src/core/define.js');
    const seen: string[] = [];
    const waits = defineTool({
      name: 'waits', description: 'waits for abort', effect: 'read', scope: 'demo.read', input: {},
      handler: (_a, ctx) => new Promise<Record<string, unknown>>((resolve) => {
        ctx.signal.addEventListener('abort', () => { seen.push(String(ctx.signal.reason)); resolve({ aborted: true }); });
      }),
    });
    const quick = defineTool({ name: 'quick', description: 'answers', effect: 'read', scope: 'demo.read', input: {}, handler: async () => ({ ok: true }) });
    const palisade = await createPalisade({ tools: [waits, quick], env: {}, handlerTimeoutMs: 2000 });
    const ac = new AbortController();
    const pending = palisade.call(alice, 'waits', {}, { signal: ac.signal });
    setTimeout(() => ac.abort('caller gone'), 20);
    expect((await pending).structuredContent).toEqual({ aborted: true });
    expect(seen).toEqual(['caller gone']);
    // A caller signal that is already aborted reaches a handler that reads it.
    const gone = new AbortController();
    gone.abort('already');
    const early = defineTool({ name: 'early', description: 'reads', effect: 'read', scope: 'demo.read', input: {}, handler: async (_a, ctx) => ({ aborted: ctx.signal.aborted }) });
    const p2 = await createPalisade({ tools: [early], env: {} });
    expect((await p2.call(alice, 'early', {}, { signal: gone.signal })).structuredContent).toEqual({ aborted: true });
    // A handler that never reads its signal adds no listener to the caller's.
    const { EventEmitter } = await import('node:events');
    const keep = new AbortController();
    await palisade.call(alice, 'quick', {}, { signal: keep.signal });
    expect(EventEmitter.getEventListeners(keep.signal, 'abort')).toHaveLength(0);
  });

  it('takes the trace id from _meta.traceparent', async () => {
    const { tools } = fixtureTools();
    const ids: string[] = [];
    const palisade = await createPalisade({ tools, env: {}, recorders: [{ record: (r) => { ids.push(r.traceId); } }] });
    await palisade.call(alice, 'demo.echo', { message: 'x' }, { meta: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    await palisade.call(alice, 'demo.echo', { message: 'x' }, { meta: { traceparent: 'garbage' } });
    expect(ids[0]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(ids[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('refuses a principal with a wildcard grant', async () => {
    const { palisade } = await fixturePalisade();
    await expect(palisade.call({ ...alice, grants: ['demo.*'] }, 'demo.echo', { message: 'x' })).rejects.toThrow(/wildcard/);
  });

  it('keeps uuid helper honest', () => {
    expect(uuid()).toMatch(/^[0-9a-f-]{36}$/);
  });
});
