import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { logRecorder } from '../../src/audit/log-recorder.js';
import { defineTool } from '../../src/core/define.js';
import { scrub } from '../../src/dlp/scrub.js';
import { createLogger } from '../../src/log.js';
import { createPalisade } from '../../src/palisade.js';
import { alice } from '../helpers/fixtures.js';
import { checksummed, prng } from './corpus.js';

const token = checksummed(prng(7), 'ghp_');
const email = 'jane.doe@example.com';

function capture() {
  const lines: string[] = [];
  const dest = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { lines, logger: createLogger('debug', dest) };
}

describe('log scrubbing', () => {
  it('a log line written during a call that carried a token and an email contains neither', async () => {
    const { lines, logger } = capture();
    const leaky = defineTool({
      name: 'demo.leaky', description: 'fails with its input in the message', effect: 'read', scope: 'demo.read',
      input: { note: z.string() },
      handler: async ({ note }) => { throw new Error(`upstream rejected ${note}`); },
    });
    const palisade = await createPalisade({ tools: [leaky], env: {}, logger, recorders: [logRecorder(logger)] });
    const r = await palisade.call(alice, 'demo.leaky', { note: `token ${token} for ${email}` });
    expect(r.isError).toBe(true);
    // a careless log site too: the scrubber is on the logger, not on the call site
    logger.info({ args: { note: token }, user: email, nested: [{ auth: `Bearer ${token}` }] }, `retrying for ${email}`);
    await palisade.close();
    const out = lines.join('');
    expect(out).toContain('handler fault');
    expect(out).toContain('tool call');
    expect(out).toContain('retrying for');
    expect(out).not.toContain(token);
    expect(out).not.toContain(email);
    expect(out).not.toContain(token.slice(4, 34)); // not even the token body
  });

  it('scrub leaves clean values alone (same reference) and copies only what changed', () => {
    const clean = { a: 1, b: ['x', { c: 'order 2024-11-25' }] };
    expect(scrub(clean)).toBe(clean);
    const dirty = { a: 1, b: { c: email } };
    const out = scrub(dirty);
    expect(out).toEqual({ a: 1, b: { c: 'j***@example.com' } });
    expect(dirty.b.c).toBe(email);
  });
});
