import type { Principal } from './core/principal.js';
import { scopePrefix } from './core/scopes.js';
import { mayReach, type Tool } from './core/tool.js';

/** What a set of configured principals can see of a catalog, for the start-up warning. */
export interface ReachReport {
  /** Tools no configured principal holds a grant for: they can never be listed or called. */
  readonly hidden: readonly string[];
  /** Principals that see no tool at all (the usual sign of a typo in a grant). */
  readonly blind: readonly string[];
  /** Per principal, grants that open no tool (e.g. `hello.raed`); sub-grants like `orders.read:pii` show here too. */
  readonly unusedGrants: Readonly<Record<string, readonly string[]>>;
}

/** Pure: which tools the principals can reach, and which grants reach nothing. */
export function reachReport(tools: Iterable<Tool>, principals: readonly Principal[]): ReachReport {
  const list = [...tools].filter((t) => !t.placeholder);
  const hidden = list.filter((t) => !principals.some((p) => mayReach(p, t))).map((t) => t.name).sort();
  const blind = principals.filter((p) => !list.some((t) => mayReach(p, t))).map((p) => p.id);
  const unusedGrants: Record<string, string[]> = {};
  for (const p of principals) {
    const unused = p.grants.filter((g) => !list.some((t) => mayReach({ ...p, grants: [g] }, t)));
    if (unused.length) unusedGrants[p.id] = unused;
  }
  return { hidden, blind, unusedGrants };
}

/** The grants the catalog understands, for a hint next to the warning (`flags.write:*` for templated scopes). */
export function scopesNeeded(tools: Iterable<Tool>): string[] {
  return [...new Set([...tools].filter((t) => !t.placeholder).map((t) => {
    const { prefix, exact } = scopePrefix(t.scope);
    return exact ? prefix : `${prefix}<${t.scope.slice(prefix.length + 1, t.scope.indexOf('}'))}>`;
  }))].sort();
}

/** Where warnings go when no logger is given: stderr, never stdout (stdout carries MCP on stdio). */
export type Warn = (fields: Record<string, unknown>, message: string) => void;
export const stderrWarn: Warn = (fields, message) => {
  process.stderr.write(`palisade: warning: ${message} ${JSON.stringify(fields)}\n`);
};

/** Logs the report as warnings; returns true when anything was said. */
export function warnReach(tools: Iterable<Tool>, principals: readonly Principal[], warn: Warn = stderrWarn): boolean {
  const all = [...tools];
  const r = reachReport(all, principals);
  const ids = principals.map((p) => p.id);
  let said = false;
  if (r.blind.length) {
    warn({ principals: r.blind, unusedGrants: r.unusedGrants, scopesNeeded: scopesNeeded(all) }, 'principal sees no tools: its grants match no tool scope (a typo in a grant?)');
    said = true;
  }
  if (r.hidden.length && r.blind.length < principals.length) {
    warn({ tools: r.hidden, principals: ids }, 'tools no configured principal can see (no grant in their scope family)');
    said = true;
  }
  return said;
}

/**
 * The logger library mode uses when none is given: one line on stderr per
 * warning or fault, with the error's stack when the pipeline passes one.
 */
export const stderrLogger = {
  info(): void { /* library mode: only warnings and faults by default */ },
  warn(obj: object, msg: string): void { process.stderr.write(`palisade: warning: ${msg} ${safeJson(obj)}\n`); },
  error(obj: object, msg: string): void {
    const stack = (obj as { stack?: unknown; err?: { stack?: unknown } }).stack ?? (obj as { err?: { stack?: unknown } }).err?.stack;
    process.stderr.write(`palisade: error: ${msg} ${safeJson(obj)}${typeof stack === 'string' ? `\n${stack}` : ''}\n`);
  },
};

function safeJson(v: unknown): string {
  try { return JSON.stringify(v); } catch { return '{}'; }
}
