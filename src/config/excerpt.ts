/**
 * The lines around a parse error with a caret under the column, so a YAML or JSON
 * mistake can be found without opening the file:
 *
 *     3 | b: [1, 2
 *     4 | c: 3
 *       | ^
 *
 * The text is the operator's own file, shown on their own terminal; control
 * characters are replaced and long lines cut so that nothing odd reaches it.
 */
export function excerpt(text: string, line: number, col: number, context = 1): string {
  const lines = text.split(/\r?\n/);
  if (!Number.isInteger(line) || line < 1 || line > lines.length + 1) return '';
  const first = Math.max(1, line - context);
  const width = String(line).length;
  const out: string[] = [];
  for (let n = first; n <= Math.min(line, lines.length); n++) {
    out.push(`  ${String(n).padStart(width)} | ${clean(lines[n - 1] ?? '')}`);
  }
  const caretAt = Math.max(0, Math.min(col - 1, 160));
  out.push(`  ${' '.repeat(width)} | ${' '.repeat(caretAt)}^`);
  return out.join('\n');
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = s.replace(/[\x00-\x08\x0B-\x1F\x7F]/g, '?').replace(/\t/g, ' ');
  return safe.length > 160 ? `${safe.slice(0, 160)}...` : safe;
}

/** 1-based line and column of a character offset (JSON.parse reports offsets on Node 20). */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}
