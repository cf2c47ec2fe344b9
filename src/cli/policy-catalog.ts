import type { Tool } from '../core/tool.js';
import { createEgressClient } from '../egress/client.js';
import { BUILTIN_RULES } from '../policy/builtin.js';
import { compilePolicy, type CompiledPolicy } from '../policy/compile.js';
import { loadPolicyFile } from '../policy/load.js';
import { toolPolicyRules } from '../policy/tool-rules.js';
import { DEFAULT_TICKET_PATTERN } from '../tools/index.js';
import type { ReferenceData } from '../tools/reference/db.js';
import { flagTools } from '../tools/reference/flags.js';
import { ordersTools } from '../tools/reference/orders.js';
import { createWebFetchTool } from '../tools/web-fetch.js';

/**
 * The reference tools' metadata (effect, data classes, the rules they bring), for
 * `policy test` and `policy explain`: built on an in-memory database, never served.
 */
export function referenceCatalog(): { tools: ReadonlyMap<string, Tool>; close(): void } {
  // Only metadata is read: a backend that is never called.
  const none = (): never => { throw new Error('policy tooling never calls a tool'); };
  const db = { flags: undefined, orders: none, close: async () => {} } as unknown as ReferenceData;
  const list = [
    ...ordersTools(db),
    ...flagTools(db, { ticketPattern: new RegExp(DEFAULT_TICKET_PATTERN) }),
    createWebFetchTool({ egress: createEgressClient({}) }),
  ];
  return { tools: new Map(list.map((t) => [t.name, t])), close: () => {} };
}

/** A policy file compiled as the server compiles it: tools' own rules first, then the file, then builtins. */
export function compileForCli(file: string, tools: ReadonlyMap<string, Tool>): CompiledPolicy {
  return compilePolicy(loadPolicyFile(file), { toolRules: toolPolicyRules(tools.values()), builtins: BUILTIN_RULES });
}

/**
 * doctor's `policy.file` check: the policy file compiles as the server would compile
 * it (a file a running server refuses to reload fails here, with file, line and path).
 */
export function policyFinding(file: string): { check: string; ok: boolean; reason: string } {
  const catalog = referenceCatalog();
  try {
    const p = compileForCli(file, catalog.tools);
    const writes = p.defaults.write === 'allow' ? 'writes default to allow (seed list form)' : `writes default to ${p.defaults.write}`;
    return { check: 'policy.file', ok: true, reason: `${p.rules.length} rules compile (version ${p.version.slice(0, 12)}, ${p.mode}); ${writes}` };
  } catch (err) {
    return { check: 'policy.file', ok: false, reason: (err as Error).message };
  } finally {
    catalog.close();
  }
}
