import type { Redactor } from '../core/pipeline.js';

/**
 * Applies the `redact` obligations that policy attached to a call: every property
 * named by an obligation, at any depth, is masked, hashed away or removed.
 * The default detectors of the DLP issue plug in beside this one.
 */
export function obligationRedactor(): Redactor {
  return {
    redact(result, inv) {
      const rules = inv.obligations.filter((o) => o.kind === 'redact');
      if (!rules.length) return { value: result, piiCount: 0 };
      const modes = new Map(rules.map((r) => [r.field, r.mode] as const));
      let count = 0;
      const walk = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(walk);
        if (v === null || typeof v !== 'object') return v;
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(v)) {
          const mode = modes.get(k);
          if (mode === undefined || val === null || val === undefined) { out[k] = walk(val); continue; }
          count += 1;
          if (mode === 'remove') continue;
          out[k] = mode === 'mask' ? maskValue(String(val)) : '[redacted]';
        }
        return out;
      };
      return { value: walk(result) as Record<string, unknown>, piiCount: count };
    },
  };
}

/** `jane.doe@example.com` -> `j***@example.com`; anything else keeps its last two characters. */
export function maskValue(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(value.length - 2, 12))}${value.slice(-2)}`;
}
