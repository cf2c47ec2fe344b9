import type { Tool } from '../core/tool.js';
import { RuleSchema, type SourcedRule } from './schema.js';

/**
 * The rules tools bring along, ready to compile before the file's rules. Each is
 * scoped to its tool (`tool: <name>` is added); a bad declaration is a programming
 * error and throws at start-up.
 */
export function toolPolicyRules(tools: Iterable<Pick<Tool, 'name' | 'policy'>>): SourcedRule[] {
  const out: SourcedRule[] = [];
  for (const t of tools) {
    (t.policy ?? []).forEach((rule, i) => {
      const r = RuleSchema.safeParse({ ...rule, when: { ...rule.when, tool: t.name } });
      if (!r.success) throw new TypeError(`tool ${t.name}: policy rule ${i}: ${r.error.issues[0]!.message}`);
      out.push({ spec: r.data, source: `tool:${t.name}`, path: `tool:${t.name}.policy[${i}]`, at: [] });
    });
  }
  return out;
}
