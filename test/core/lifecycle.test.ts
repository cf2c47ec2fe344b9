import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCatalog } from '../../src/core/catalog.js';
import { deny } from '../../src/core/decision.js';
import { defineTool } from '../../src/core/define.js';
import { STAGES, type StageEvent } from '../../src/core/pipeline.js';
import type { CallRecord } from '../../src/core/record.js';
import { createPalisade } from '../../src/palisade.js';
import { alice, codeOf, connectInMemory, fixtureTools, textOf, uuid } from '../helpers/fixtures.js';

describe('the named lifecycle', () => {
  it('runs the stages in the drawn order and stamps which stage decided', async () => {
    expect(STAGES).toEqual(['catalog', 'killswitch', 'scopes', 'schema', 'scopes.qualified', 'policy', 'limits', 'idempotency', 'handler', 'redact', 'record']);
    const events: StageEvent[] = [];
    const records: CallRecord[] = [];
    const palisade = await createPalisade({
      tools: fixtureTools().tools, env: {},
      stages: { limits: { name: 'quota', check: () => ({ allow: true }) } },
      onStage: (e) => { events.push(e); },
      recorders: [{ record: (r) => { records.push(r); } }],
    });
    await palisade.call(alice, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: uuid() });
    expect(events.map((e) => e.stage)).toEqual(['catalog', 'killswitch', 'scopes', 'schema', 'scopes.qualified', 'policy', 'limits', 'idempotency', 'handler', 'redact']);
    expect(events.every((e) => e.durationMs >= 0)).toBe(true);
    expect(records[0]!.decidedBy).toBe('handler');
    const denied = await palisade.call(alice, 'switch.set', { name: 'beta', env: 'prod', pct: 1, idemKey: uuid() });
    expect(codeOf(denied)).toBe('SCOPE_MISSING');
    expect(records[1]!.decidedBy).toBe('scopes.qualified');
    expect(records[1]!.trail.map((t) => t.stage)).toEqual(['catalog', 'killswitch', 'scopes', 'schema', 'scopes.qualified']);
  });

  it('dry-run: a stage in shadow mode decides and is recorded, but its denial does not stop the call', async () => {
    const records: CallRecord[] = [];
    const { tools, counter } = fixtureTools();
    const strict = { name: 'new-limit', check: () => deny('RATE_LIMITED', 'over the new limit', { retryAfterMs: 10 }) };
    const shadow = await createPalisade({ tools, env: {}, stages: { limits: strict }, dryRun: ['limits'], recorders: [{ record: (r) => { records.push(r); } }] });
    const r = await shadow.call(alice, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: uuid() });
    expect(r.isError).toBeFalsy();
    expect(counter.writes).toBe(1);
    expect(records[0]!.trail.find((t) => t.stage === 'limits')).toMatchObject({ allow: false, code: 'RATE_LIMITED', dryRun: true });
    const enforcing = await createPalisade({ tools, env: {}, stages: { limits: strict } });
    expect(codeOf(await enforcing.call(alice, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: uuid() }))).toBe('RATE_LIMITED');
    expect(counter.writes).toBe(1);
  });

  it('only Palisade\'s own error classes reach the caller: a foreign error with a matching .code is INTERNAL_ERROR', async () => {
    const sneaky = defineTool({
      name: 'demo.sneaky', description: 'throws a look-alike', effect: 'read', scope: 'demo.read', input: {},
      handler: async () => { throw Object.assign(new Error('db password is hunter2'), { code: 'NOT_FOUND' }); },
    });
    const palisade = await createPalisade({ tools: [sneaky], env: {} });
    const r = await palisade.call(alice, 'demo.sneaky', {});
    expect(codeOf(r)).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('passes MCP content blocks (image, embedded resource) through beside structured results', async () => {
    const pic = defineTool({
      name: 'demo.pic', description: 'content blocks', effect: 'read', scope: 'demo.read', input: {},
      handler: async () => ({}),
    });
    const withCall = { ...pic, call: async () => ({ content: [
      { type: 'text' as const, text: 'two blocks' },
      { type: 'image' as const, data: 'iVBORw0KGgo=', mimeType: 'image/png' },
      { type: 'resource' as const, resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'hello' } },
    ] }) };
    const palisade = await createPalisade({ tools: [withCall], env: {} });
    const c = await connectInMemory(palisade);
    const r = await c.client.callTool({ name: 'demo.pic', arguments: {} });
    expect((r.content as { type: string }[]).map((b) => b.type)).toEqual(['text', 'image', 'resource']);
    await c.close();
  });

  it('a catalog change is announced to connected clients (tools/list_changed) and served at once', async () => {
    const { tools } = fixtureTools();
    const catalog = createCatalog(tools);
    const palisade = await createPalisade({ tools: catalog, env: {} });
    const c = await connectInMemory(palisade);
    const changed = new Promise<void>((resolve) => {
      c.client.setNotificationHandler((z.object({ method: z.literal('notifications/tools/list_changed') }) as never), () => resolve());
    });
    const before = catalog.digest();
    catalog.upsert([defineTool({ name: 'demo.new', description: 'new', effect: 'read', scope: 'demo.read', input: {}, handler: async () => ({ ok: true }) })]);
    await changed;
    expect(catalog.digest()).not.toBe(before);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toContain('demo.new');
    await c.close();
  });

  it('idemKey is one key in any letter case: the upper-case spelling replays, never writes twice', async () => {
    const { tools, counter } = fixtureTools();
    const palisade = await createPalisade({ tools, env: {} });
    const key = uuid();
    await palisade.call(alice, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: key });
    const again = await palisade.call(alice, 'switch.set', { name: 'beta', env: 'dev', pct: 1, idemKey: key.toUpperCase() });
    expect(textOf(again)).toMatch(/^OK \(idempotent\)/);
    expect(counter.writes).toBe(1);
  });
});
