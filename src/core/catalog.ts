import { canonicalJson, sha256Hex } from './canonical.js';
import type { Tool } from './tool.js';

/**
 * The tools a server serves. Local tools are fixed at start; gateway mode adds,
 * replaces and removes upstream tools at run time, and transports announce
 * `notifications/tools/list_changed` through `onChange`.
 */
export interface ToolCatalog {
  list(): readonly Tool[];
  get(name: string): Tool | undefined;
  /** SHA-256 over every tool's published definition: equal catalogs, equal digests. */
  digest(): string;
  onChange(listener: () => void): () => void;
}

export interface MutableToolCatalog extends ToolCatalog {
  /** Adds or replaces tools by name, announcing one change. */
  upsert(tools: readonly Tool[]): void;
  remove(names: readonly string[]): void;
}

/** The digest of one tool's published definition (name, description, schemas, effect, scope). */
export function toolDigest(t: Tool): string {
  return sha256Hex(canonicalJson({
    name: t.name,
    title: t.title ?? null,
    description: t.description,
    input: t.input.jsonSchema,
    output: t.output?.jsonSchema ?? null,
    effect: t.effect,
    scope: t.scope,
  }));
}

export function createCatalog(initial: readonly Tool[]): MutableToolCatalog {
  let tools = new Map<string, Tool>();
  for (const t of initial) {
    if (tools.has(t.name)) throw new TypeError(`tool ${t.name} is defined twice`);
    tools.set(t.name, t);
  }
  let listCache: readonly Tool[] | undefined;
  let digestCache: string | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    listCache = undefined;
    digestCache = undefined;
    for (const l of listeners) { try { l(); } catch { /* a listener fault never breaks the catalog */ } }
  };
  return {
    list: () => (listCache ??= Object.freeze([...tools.values()])),
    get: (name) => tools.get(name),
    digest: () => (digestCache ??= sha256Hex([...tools.values()].map(toolDigest).sort().join('\n'))),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    upsert(next) {
      if (!next.length) return;
      const copy = new Map(tools);
      for (const t of next) copy.set(t.name, t);
      tools = copy;
      changed();
    },
    remove(names) {
      const copy = new Map(tools);
      let any = false;
      for (const n of names) any = copy.delete(n) || any;
      if (!any) return;
      tools = copy;
      changed();
    },
  };
}
