import { renderer, type RedactContext, type Renderer } from './modes.js';
import { scanText, type ScanOptions } from './scan.js';
import type { DetectorType, Finding, RedactMode } from './types.js';

/** One mode for every type, or a mode per type (a type without one is reported but left as is). */
export type Modes = RedactMode | Partial<Record<DetectorType, RedactMode>>;

export interface TextRedaction {
  readonly text: string;
  /** Everything detected, redacted or not (for `pii.count`). */
  readonly findings: readonly Finding[];
  readonly changed: boolean;
}

/**
 * Scans free text and rewrites each finding by its mode (`drop` cuts it out).
 *
 * @example redactText('mail jane@example.com', 'mask').text // 'mail j***@example.com'
 */
export function redactText(text: string, modes: Modes, ctx: RedactContext | Renderer = {}, scan: ScanOptions = {}): TextRedaction {
  const findings = scanText(text, scan);
  if (findings.length === 0) return { text, findings, changed: false };
  const r = 'render' in ctx ? ctx : renderer(ctx);
  return applyFindings(text, findings, modes, r);
}

/** Rewrites `text` at the given findings. */
export function applyFindings(text: string, findings: readonly Finding[], modes: Modes, r: Renderer): TextRedaction {
  let out = '';
  let at = 0;
  let changed = false;
  for (const f of findings) {
    const mode = typeof modes === 'string' ? modes : modes[f.type];
    if (!mode) continue;
    out += text.slice(at, f.start) + (r.render(text.slice(f.start, f.end), f.type, mode) ?? '');
    at = f.end;
    changed = true;
  }
  return changed ? { text: out + text.slice(at), findings, changed } : { text, findings, changed };
}
