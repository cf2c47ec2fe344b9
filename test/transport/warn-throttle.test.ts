import { describe, expect, it } from 'vitest';
import { tlsErrorKind, warnThrottle } from '../../src/transport/warn-throttle.js';

function recorder() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  return { lines, log: { warn: (obj: object, msg: string) => { lines.push({ obj: obj as Record<string, unknown>, msg }); } } };
}

describe('warnThrottle (issue 8 item 7: failed handshakes cannot drive log volume)', () => {
  it('logs a burst, counts the rest, and writes one summary per window', () => {
    let t = 0;
    const { lines, log } = recorder();
    const warn = warnThrottle(log, 'TLS handshake refused', { burst: 3, windowMs: 1000, now: () => t });
    for (let i = 0; i < 10_000; i++) warn(i % 2 ? 'ERR_SSL_WRONG_VERSION_NUMBER' : 'ECONNRESET');
    expect(lines).toHaveLength(3);
    t = 1000;
    warn('ECONNRESET'); // a new window: the summary of the last one, then this event
    expect(lines).toHaveLength(5);
    expect(lines[3]).toMatchObject({ msg: 'TLS handshake refused (summary)', obj: { suppressed: 9997 } });
    expect(lines[3]!.obj['byKind']).toEqual({ ECONNRESET: 4998, ERR_SSL_WRONG_VERSION_NUMBER: 4999 });
    warn.stop();
  });

  it('bounds the number of kinds it counts', () => {
    const { lines, log } = recorder();
    const warn = warnThrottle(log, 'x', { burst: 0, windowMs: 1000, now: () => 0 });
    for (let i = 0; i < 500; i++) warn(`K${i}`);
    warn.flush();
    expect(Object.keys(lines[0]!.obj['byKind'] as object).length).toBeLessThanOrEqual(33);
  });

  it('names a TLS error by its code, never by its message (OpenSSL source paths)', () => {
    const err = Object.assign(new Error('error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:355:'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    expect(tlsErrorKind(err)).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(tlsErrorKind(new Error('../deps/openssl'))).toBe('TLS_ERROR');
    expect(tlsErrorKind({ code: 'x/../../etc' })).toBe('TLS_ERROR');
  });
});
