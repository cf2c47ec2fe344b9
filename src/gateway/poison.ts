/**
 * Tool-definition poisoning checks, run on every imported definition. A finding
 * blocks the tool until an operator approves it (`palisade catalog approve`).
 * Findings name the rule and the place, never echo the text.
 */
export interface PoisonFinding {
  readonly rule: 'hidden-unicode' | 'instruction' | 'tool-reference' | 'oversize';
  readonly where: string;
}

// Tag characters (U+E0000-E007F), bidi controls, zero-width and other invisible format characters.
const HIDDEN = /[\u{E0000}-\u{E007F}\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E]/u;
const INSTRUCTION = [
  /\bignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts?|messages)\b/i,
  /\b(disregard|forget|override) (all |any |the )?(previous|prior|system|above) (instructions|rules|prompts?)\b/i,
  /<\s*\/?\s*(important|system|instructions?|secret)\s*>/i,
  /\b(do not|don't|never) (tell|inform|mention|reveal|show|notify)\b.{0,30}\bthe user\b/i,
  /\byou (must|should) (first )?(call|use|invoke|run|read)\b/i,
  /\b(before|after) (using|calling) this tool,? (you must|always|first)\b/i,
  /\b(send|upload|exfiltrate|forward|post) (the )?(contents?|data|keys?|tokens?|credentials?|secrets?|files?)\b.{0,40}\b(to|at)\b/i,
  /\b(~\/\.ssh|id_rsa|\.aws\/credentials|\.env\b|mcp\.json)/i,
];

/** Scans a tool's name, description and every string in its schemas. */
export function scanDefinition(def: { name: string; description?: string; inputSchema?: unknown; annotations?: unknown }, opts: { maxDescriptionChars: number; otherTools: readonly string[] }): PoisonFinding[] {
  const out: PoisonFinding[] = [];
  const texts: [string, string][] = [['name', def.name], ['description', def.description ?? '']];
  collect(def.inputSchema, 'inputSchema', texts);
  collect(def.annotations, 'annotations', texts);
  if ((def.description ?? '').length > opts.maxDescriptionChars) out.push({ rule: 'oversize', where: 'description' });
  for (const [where, text] of texts) {
    if (HIDDEN.test(text)) out.push({ rule: 'hidden-unicode', where });
    if (INSTRUCTION.some((r) => r.test(text))) out.push({ rule: 'instruction', where });
    for (const other of opts.otherTools) {
      if (other !== def.name && other.length >= 4 && new RegExp(`\\b${escape(other)}\\b`).test(text)) { out.push({ rule: 'tool-reference', where }); break; }
    }
  }
  return dedupe(out);
}

function collect(node: unknown, path: string, out: [string, string][]): void {
  if (out.length > 2000) return;
  if (typeof node === 'string') { out.push([path, node]); return; }
  if (Array.isArray(node)) { node.forEach((v, i) => collect(v, `${path}.${i}`, out)); return; }
  if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) { out.push([`${path}.${k}(key)`, k]); collect(v, `${path}.${k}`, out); }
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function dedupe(f: PoisonFinding[]): PoisonFinding[] {
  const seen = new Set<string>();
  return f.filter((x) => { const k = `${x.rule}@${x.where}`; if (seen.has(k)) return false; seen.add(k); return true; });
}
