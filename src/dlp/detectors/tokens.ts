import { ALNUM, boundaryAt, boundaryBefore, DIGIT, runEnd } from '../chars.js';
import type { Finding } from '../types.js';
import { hasValidChecksum } from './checksum.js';

const GH_KINDS = 'pousr'; // ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server, ghr_ refresh

/**
 * Tokens whose prefix ends in `_`, triggered at that underscore (index `u`):
 * GitHub classic (checksum verified), GitHub fine-grained (`github_pat_` + 22 + `_` + 59),
 * npm (checksum verified), Stripe secret and restricted keys.
 */
export function underscoreTokenAt(text: string, u: number): Finding | undefined {
  const c1 = text.charCodeAt(u - 1);
  if (u >= 3 && text.charCodeAt(u - 3) === 103 && text.charCodeAt(u - 2) === 104 && GH_KINDS.includes(text[u - 1]!)) {
    return checksummed(text, u - 3, 'github_token');
  }
  if (u >= 3 && c1 === 109 && text.startsWith('np', u - 3)) return checksummed(text, u - 3, 'npm_token');
  if (u >= 6 && c1 === 98 && text.startsWith('github', u - 6) && text.startsWith('pat_', u + 1)) return fineGrained(text, u - 6);
  if (u >= 2 && c1 === 107 && (text.charCodeAt(u - 2) === 115 || text.charCodeAt(u - 2) === 114)
    && (text.startsWith('live_', u + 1) || text.startsWith('test_', u + 1))) return stripe(text, u - 2);
  return undefined;
}

function checksummed(text: string, start: number, type: 'github_token' | 'npm_token'): Finding | undefined {
  if (!boundaryBefore(text, start)) return undefined;
  const end = runEnd(text, start + 4, ALNUM, 37);
  if (end - start !== 40 || !boundaryAt(text, end)) return undefined;
  return hasValidChecksum(text.slice(start, end), 4) ? { type, start, end } : undefined;
}

function fineGrained(text: string, start: number): Finding | undefined {
  // github_pat_<22 base62>_<59 base62>; the checksum scheme of this format is not published, so structure only.
  if (!boundaryBefore(text, start)) return undefined;
  const a = start + 11;
  const b = runEnd(text, a, ALNUM, 23);
  if (b - a !== 22 || text.charCodeAt(b) !== 95) return undefined;
  const end = runEnd(text, b + 1, ALNUM, 60);
  return end - b - 1 === 59 && boundaryAt(text, end) ? { type: 'github_token', start, end } : undefined;
}

function stripe(text: string, start: number): Finding | undefined {
  if (!boundaryBefore(text, start)) return undefined;
  const body = start + 8;
  const end = runEnd(text, body, ALNUM, 248);
  return end - body >= 24 && boundaryAt(text, end) ? { type: 'stripe_key', start, end } : undefined;
}

const SLACK = ['xoxb', 'xoxp', 'xoxa', 'xoxr', 'xoxs', 'xoxe', 'xapp'];

/**
 * Slack tokens, triggered at the `-` after the prefix (index `d`). Structure:
 * digit segment first, alphanumeric middle segments, a last segment of >= 20 characters
 * (xoxb-<team>-<bot>-<24>, xoxp-<a>-<b>-<c>-<32 hex>, xapp-1-<app>-<n>-<64 hex>).
 */
export function slackAt(text: string, d: number): Finding | undefined {
  const start = d - 4;
  if (start < 0 || text.charCodeAt(start) !== 120 || !SLACK.includes(text.slice(start, d)) || !boundaryBefore(text, start)) return undefined;
  let j = d;
  let segments = 0;
  let lastLen = 0;
  let firstDigits = false;
  while (text.charCodeAt(j) === 45) {
    const s = j + 1;
    const e = runEnd(text, s, ALNUM, 130);
    if (e === s) break;
    if (segments === 0) firstDigits = runEnd(text, s, DIGIT) === e;
    segments++;
    lastLen = e - s;
    j = e;
  }
  return segments >= 3 && firstDigits && lastLen >= 20 && boundaryAt(text, j) && text.charCodeAt(j) !== 45
    ? { type: 'slack_token', start, end: j } : undefined;
}
