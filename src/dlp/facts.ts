import { scanText } from './scan.js';
import { SECRET_TYPES } from './types.js';

const MAX_DEPTH = 32;

/**
 * True when any string in the tool arguments (values or property names, at any depth)
 * holds a credential: a checksum-valid GitHub or npm token, an AWS key, a JWT, a Slack or
 * Stripe key, a PEM private key. Backs the policy fact `args.contains_secret`, so an
 * agent pasting a key into a tool call can be stopped. Too deep to walk counts as true (fail closed).
 */
export function argsContainSecret(args: unknown): boolean {
  return hasSecret(args, 0);
}

function hasSecret(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return v.length >= 20 && scanText(v, { types: SECRET_TYPES }).length > 0;
  if (v === null || typeof v !== 'object') return false;
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(v)) return v.some((x) => hasSecret(x, depth + 1));
  for (const [k, x] of Object.entries(v)) if (hasSecret(k, depth) || hasSecret(x, depth + 1)) return true;
  return false;
}
