import { stateKey } from '../core/keys.js';

/**
 * The limits' store keys: core's `stateKey` (length-prefixed parts, hashed), so caller-controlled
 * parts can never be joined into each other. `namespace` is a fixed name (`rl:start` -> `rl.start`).
 */
export function limitKey(namespace: string, ...parts: readonly (string | number)[]): string {
  return stateKey(namespace.replaceAll(':', '.'), ...parts.map(String));
}
