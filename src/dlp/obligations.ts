import type { RedactMode } from '../core/decision.js';
import type { Redactor } from '../core/pipeline.js';

/**
 * Applies the `redact` obligations that policy attached to a call: every property
 * named by an obligation, at any depth of the structured result, is masked,
 * partially kept, hashed away or dropped. The text block is built afterwards from
 * the redacted value, so it never carries what was removed.
 */
export function obligationRedactor(): Redactor {
  return {
    redact(result, inv) {
      const rules = inv.obligations.filter((o) => o.kind === 'redact');
      if (!rules.length || !result.structuredContent) return { value: result, pii: { count: 0, byType: {} } };
      const modes = new Map<string, RedactMode>(rules.map((r) => [r.field, r.mode] as const));
      const byType: Record<string, number> = {};
      let count = 0;
      const walk = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(walk);
        if (v === null || typeof v !== 'object') return v;
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(v)) {
          const mode = modes.get(k);
          if (mode === undefined || val === null || val === undefined) { out[k] = walk(val); continue; }
          count += 1;
          byType[k] = (byType[k] ?? 0) + 1;
          if (mode === 'drop') continue;
          out[k] = mode === 'mask' ? maskValue(String(val)) : mode === 'partial' ? partialValue(String(val)) : '[redacted]';
        }
        return out;
      };
      return { value: { ...result, structuredContent: walk(result.structuredContent) as Record<string, unknown> }, pii: { count, byType } };
    },
  };
}

/** `jane.doe@example.com` -> `j***@example.com`; anything else keeps its last two characters. */
export function maskValue(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(value.length - 2, 12))}${value.slice(-2)}`;
}

/** Keeps the last four characters. */
export function partialValue(value: string): string {
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(value.length - 4, 12))}${value.slice(-4)}`;
}
