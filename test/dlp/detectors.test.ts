import { describe, expect, it } from 'vitest';
import { base62, hasValidChecksum } from '../../src/dlp/detectors/checksum.js';
import { cardNetwork, luhn } from '../../src/dlp/detectors/card.js';
import { validSsn } from '../../src/dlp/detectors/ssn.js';
import { argsContainSecret } from '../../src/dlp/facts.js';
import { keepLast4, mask } from '../../src/dlp/modes.js';
import { scanText } from '../../src/dlp/scan.js';
import { renderer } from '../../src/dlp/modes.js';
import { DEFAULT_PROFILE, planFor } from '../../src/dlp/profile.js';
import { newCount, redactStructured } from '../../src/dlp/structured.js';
import { checksummed, prng } from './corpus.js';

const found = (s: string) => scanText(s).map((f) => `${f.type}:${s.slice(f.start, f.end)}`);
const gh = checksummed(prng(3), 'ghp_');

describe('detectors: validators cut false positives', () => {
  it('GitHub/npm checksums: the published example verifies, one changed character does not', () => {
    expect(hasValidChecksum('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', 4)).toBe(true);
    expect(hasValidChecksum('ghp_zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq18', 4)).toBe(false);
    expect(base62(0)).toBe('000000');
    expect(found(`a ${gh} b`)).toEqual([`github_token:${gh}`]);
    expect(found(`a ${gh.slice(0, -1)}X b`)).toEqual([]);
    expect(found(`x${gh}`)).toEqual([]); // glued to a word: not a token boundary
  });

  it('cards: Luhn plus network prefix and length; grouped as printed', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(cardNetwork('2221000000000009')).toBe('mastercard');
    expect(cardNetwork('378282246310005')).toBe('amex');
    expect(cardNetwork('4111111111111112')).toBeUndefined(); // Luhn
    expect(cardNetwork('9111111111111111')).toBeUndefined(); // no network
    expect(found('pay 4111-1111-1111-1111 now')).toEqual(['card:4111-1111-1111-1111']);
    expect(found('ts 1732540000000 and 1.4111111111111111')).toEqual([]); // epoch ms, decimal fraction
    expect(found('4111 1111 1111 1111 1111 1111')).toEqual([]); // a slice of a longer run is no card
  });

  it('SSN: area/group/serial rules and specimen numbers; bare nine digits only with context', () => {
    expect(validSsn('536', '22', '1234')).toBe(true);
    for (const [a, g, s] of [['000', '12', '3456'], ['666', '12', '3456'], ['912', '12', '3456'], ['536', '00', '1234'], ['536', '22', '0000'], ['078', '05', '1120'], ['123', '45', '6789']]) {
      expect(validSsn(a!, g!, s!)).toBe(false);
    }
    expect(found('id 536221234')).toEqual([]);
    expect(found('SSN: 536221234')).toEqual(['ssn:536221234']);
    expect(found('x 536-22-1234-99')).toEqual([]); // part of a longer dashed id
  });

  it('IBAN: mod-97 and country length, print form too; a failing IBAN yields no card', () => {
    expect(found('DE89 3704 0044 0532 0130 00.')).toEqual(['iban:DE89 3704 0044 0532 0130 00']);
    expect(found('DE88 3704 0044 0532 0130 00')).toEqual([]);
  });

  it('email, IP, JWT, AWS, PEM', () => {
    expect(found('to jane@example.com. icon@2x.png user@localhost @handle')).toEqual(['email:jane@example.com']);
    expect(found('ip 10.0.0.1, v1.2.3.4, version 1.2.3.4, 1.2.3.4.5, 256.1.1.1, 10:00:00, fe80::1')).toEqual(['ip:10.0.0.1', 'ip:fe80::1']);
    expect(found('t eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln')).toEqual(['jwt:eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln']);
    expect(found('t eyJub3QiOiJqc29uIn0.eyJzdWIiOiIxIn0.c2ln')).toEqual([]); // header has no alg
    expect(found('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0. end')).toEqual([]); // two parts and a full stop
    expect(found('id AKIAIOSFODNN7EXAMPLE key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual(['aws_access_key:AKIAIOSFODNN7EXAMPLE', 'aws_secret:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']);
    expect(found('sha 3f786850e387550fdab836ed7e6dc881de23001b wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([]); // no AWS context
    expect(found('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----')).toEqual([]);
    expect(found('-----BEGIN EC PRIVATE KEY-----\nMHcC')).toEqual(['private_key:-----BEGIN EC PRIVATE KEY-----\nMHcC']); // cut off: to the end of the body
  });

  it('Slack, Stripe, npm', () => {
    const slack = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
    expect(found(`${slack} xoxb-not-a-token`)).toEqual([`slack_token:${slack}`]);
    expect(found('sk_live_4eC39HqLyjWDarjtT1zdp7dc sk_live_short pk_live_4eC39HqLyjWDarjtT1zdp7dc')).toEqual(['stripe_key:sk_live_4eC39HqLyjWDarjtT1zdp7dc']);
    const npm = checksummed(prng(9), 'npm_');
    expect(found(npm)).toEqual([`npm_token:${npm}`]);
  });

  it('modes: mask and partial never return the value', () => {
    expect(mask('jane@example.com', 'email')).toBe('j***@example.com');
    expect(mask('4111111111111111', 'card')).toBe('[redacted:card]');
    expect(keepLast4('4111 1111 1111 1111')).toBe('**** **** **** 1111');
    expect(keepLast4('12-34')).toBe('**-**');
  });
});

describe('args.contains_secret fact', () => {
  it('is true for a checksum-valid token at any depth, in a value or a key', () => {
    expect(argsContainSecret({ a: { b: [`see ${gh}`] } })).toBe(true);
    expect(argsContainSecret({ [gh]: 1 })).toBe(true);
    expect(argsContainSecret({ note: 'ghp_ + 36 characters is the shape', sha: '3f786850e387550fdab836ed7e6dc881de23001b', email: 'jane@example.com' })).toBe(false);
    expect(argsContainSecret({ k: gh.slice(0, -1) + (gh.endsWith('a') ? 'b' : 'a') })).toBe(false);
  });
});

describe('AWS secret named by its JSON key', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEK1';
  const scan = (value: unknown) => {
    const counts = newCount();
    const out = redactStructured(value, planFor(DEFAULT_PROFILE), renderer(), counts);
    return { out: JSON.stringify(out), counts };
  };
  it('is masked when the key names it (the key is the context the value lacks)', () => {
    for (const key of ['SecretAccessKey', 'aws_secret', 'AWS_SECRET_ACCESS_KEY', 'secret_access_key']) {
      const r = scan({ Credentials: { [key]: secret, Expiration: '2026-11-25T00:00:00Z' } });
      expect(r.out, key).not.toContain(secret);
      expect(r.counts.byType['aws_secret'], key).toBe(1);
    }
  });
  it('leaves the same value alone under another key, and a non-secret under the secret key', () => {
    expect(scan({ description: secret }).out).toContain(secret);
    expect(scan({ SecretAccessKey: 'not-configured' }).out).toContain('not-configured');
    expect(scan({ SecretAccessKey: '3f786850e387550fdab836ed7e6dc881de23001b' }).out).toContain('3f786850e387550fdab836ed7e6dc881de23001b');
  });
});

describe('scanner fast paths (issue 14) skip only what no detector can match', () => {
  const slack = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
  it('ISO dates are no finding, and a value next to one is still found', () => {
    expect(found('2025-08-01')).toEqual([]);
    expect(found('created 2025-08-01T10:22:33Z by ops')).toEqual([]);
    expect(found('2025-08-01 4111 1111 1111 1111')).toEqual(['card:4111 1111 1111 1111']);
    expect(found('2025-08-01,234-56-7890')).toEqual(['ssn:234-56-7890']);
    // a dashed run that goes on is not a date: it is judged whole, as before
    expect(found('4111-1111-1111-1111')).toEqual(['card:4111-1111-1111-1111']);
  });
  it('a date-shaped value under a phone-named key still reaches the phone parser', () => {
    const counts = newCount();
    redactStructured({ phone: '+1 415-555-2671', created: '2025-08-01' }, planFor(DEFAULT_PROFILE), renderer(), counts);
    expect(counts.byType['phone']).toBe(1);
    expect(counts.count).toBe(1);
  });
  it('a Slack token is found in a short text whatever other x it holds, at any position', () => {
    for (const s of [slack, ` ${slack}`, `mail box@example.com ${slack}`.slice(0, 127), `${slack} x`]) {
      expect(found(s), s).toContain(`slack_token:${slack}`);
    }
    expect(found('max@example.com')).toEqual(['email:max@example.com']);
  });
  it('a scan hands out its own array: a later scan does not change an earlier result', () => {
    const first = scanText('mail jane@example.com');
    scanText('card 4111 1111 1111 1111');
    scanText('nothing here');
    expect(first.map((f) => f.type)).toEqual(['email']);
  });
});
