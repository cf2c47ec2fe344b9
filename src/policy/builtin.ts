import type { SourcedRule } from './schema.js';

/**
 * Palisade's own rules, evaluated after the file's (an object-form file with
 * `builtins: false` drops them). They stop the "lethal trifecta": once a session
 * has read untrusted content, acting (writes) needs a human, and nothing leaves
 * for a domain off the egress allow-list.
 */
export const BUILTIN_RULES: readonly SourcedRule[] = [
  {
    source: 'builtin', path: 'builtin[0]', at: [],
    spec: {
      rule: 'palisade:tainted-session-write',
      description: 'A session that read untrusted content needs a human approval for every write.',
      when: { 'session.tainted': true, 'tool.effect': 'write' },
      decision: 'require_approval',
    },
  },
  {
    source: 'builtin', path: 'builtin[1]', at: [],
    spec: {
      rule: 'palisade:tainted-session-egress',
      description: 'A session that read untrusted content may not reach domains off the egress allow-list.',
      when: { 'session.tainted': true, 'egress.domain': '*' },
      unless: { 'egress.domain_in_allowlist': true },
      decision: 'deny',
      code: 'EGRESS_DENIED',
      message: 'a session holding untrusted content may not reach a domain off the egress allow-list',
    },
  },
];
