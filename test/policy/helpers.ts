import { compilePolicy, type CompileOptions } from '../../src/policy/compile.js';
import type { PolicyInput } from '../../src/policy/facts.js';
import { buildPolicyInput, compileEgressAllow } from '../../src/policy/input.js';
import { parsePolicy } from '../../src/policy/load.js';

export const MONDAY_NOON = Date.parse('2026-11-23T12:00:00Z');

export interface Facts {
  tool?: string;
  effect?: 'read' | 'write';
  data?: string[];
  principal?: Partial<PolicyInput['principal']>;
  args?: Record<string, unknown>;
  tainted?: boolean;
  env?: string;
  now?: number;
  allow?: string[];
  containsSecret?: boolean;
}

const tools = new Map<string, { name: string; effect: 'read' | 'write'; data: string[] }>();
/** One object per distinct tool, as the runtime passes its Tool objects (the per-tool cache is keyed by identity). */
function toolObject(name: string, effect: 'read' | 'write', data: string[]) {
  const k = JSON.stringify([name, effect, data]);
  let t = tools.get(k);
  if (!t) { t = { name, effect, data }; tools.set(k, t); }
  return t;
}

/** A PolicyInput from a few facts, with a plain agent principal by default. */
export function facts(f: Facts = {}): PolicyInput {
  return buildPolicyInput({
    tool: toolObject(f.tool ?? 'orders.get', f.effect ?? 'read', f.data ?? []),
    principal: { id: 'agent:a', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['orders.read'], ...f.principal },
    args: f.args ?? {},
    tainted: f.tainted ?? false,
    env: f.env ?? 'development',
    now: f.now ?? MONDAY_NOON,
    egressAllow: compileEgressAllow(f.allow ?? ['api.vendor.example']),
    ...(f.containsSecret !== undefined && { containsSecret: f.containsSecret }),
  });
}

export function policyFrom(yaml: string, options: CompileOptions = {}) {
  return compilePolicy(parsePolicy(yaml, 'test.yaml'), options);
}
