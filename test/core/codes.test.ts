import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, isCode } from '../../src/core/codes.js';

describe('code registry', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it.each(ALL_CODES)('%s is documented in the README table', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('every DESIGN.md code is in the registry', () => {
    const design = ['AUTH_REQUIRED', 'AUTH_INVALID', 'AUTH_REPLAY', 'SCOPE_MISSING', 'INVALID_PARAMS', 'UNKNOWN_FIELD', 'READ_ONLY', 'QUARANTINED',
      'POLICY_DENY', 'TICKET_REQUIRED', 'APPROVAL_REQUIRED', 'RATE_LIMITED', 'CONCURRENCY_LIMITED', 'BUDGET_EXCEEDED', 'STOP_RULE',
      'IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_CONFLICT', 'SSRF_BLOCKED', 'EGRESS_DENIED', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UPSTREAM_ERROR'];
    for (const c of design) expect(isCode(c)).toBe(true);
    expect(isCode('toString')).toBe(false);
  });
});
