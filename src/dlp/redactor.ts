import type { ContentBlock } from '../core/content.js';
import type { CheckedInvocation } from '../core/invocation.js';
import type { Logger } from '../core/logger.js';
import type { RedactInput, RedactOutput, Redactor } from '../core/pipeline.js';
import { renderer, type Renderer } from './modes.js';
import { checkProfile, DEFAULT_PROFILE, planFor, type DlpProfile, type Plan } from './profile.js';
import { scanText } from './scan.js';
import { DROPPED, newCount, redactStructured } from './structured.js';
import { applyFindings } from './text.js';
import type { PiiCount } from './types.js';

type Key = string | Uint8Array;

export interface DlpRedactorOptions {
  /** Detectors and modes for every tool. Default: DEFAULT_PROFILE. Checked once, here. */
  readonly profile?: DlpProfile;
  /**
   * HMAC master key for `hash` (derived per tenant), or a loader asked once, on the
   * first call that hashes (the runtime reads it from the secrets provider). Without a
   * key `hash` masks instead: the clear value never leaves.
   */
  readonly hashKey?: Key | (() => Promise<Key | undefined>);
  readonly logger?: Logger;
}

const MAX_JSON_TEXT = 8 << 20;

/**
 * The redact stage: the default profile plus the call's `redact` obligations, over
 * structuredContent field by field, each text block (JSON text is walked as JSON),
 * embedded resource text and resource links. Counts every finding by type for the
 * call record (`pii.count`, `pii.byType`).
 *
 * @example createPalisade({ tools, redactor: dlpRedactor({ hashKey: () => secrets.get('dlp_hash_key') }) })
 */
export function dlpRedactor(options: DlpRedactorOptions = {}): Redactor {
  const profile = checkProfile(options.profile ?? DEFAULT_PROFILE);
  const base = planFor(profile);
  const source = options.hashKey;
  let key: Promise<Key | undefined> | Key | undefined = typeof source === 'function' ? undefined : source;
  let loaded = typeof source !== 'function';

  function hashKey(): Promise<Key | undefined> | Key | undefined {
    if (loaded) return key;
    loaded = true;
    key = Promise.resolve().then(source as () => Promise<Key | undefined>).catch(() => {
      options.logger?.warn({ secret: 'dlp_hash_key' }, 'dlp: hash key unavailable; hash mode masks instead');
      return undefined;
    });
    return key;
  }

  function run(result: RedactInput, inv: CheckedInvocation, plan: Plan, k: Key | undefined): RedactOutput {
    const r = renderer({ ...(k !== undefined && { hashKey: k }), tenant: inv.principal.tenant });
    const counts = newCount();
    const sc = result.structuredContent;
    const structuredContent = sc && (redactStructured(sc, plan, r, counts) as Record<string, unknown>);
    const mirror = sc && structuredContent && result.content.length ? mirrorOf(sc, structuredContent) : undefined;
    const content = result.content.map((b) => redactBlock(b, plan, r, counts, mirror));
    const changed = structuredContent !== sc || content.some((b, i) => b !== result.content[i]);
    return { value: changed ? { ...result, ...(structuredContent && { structuredContent }), content } : result, pii: counts };
  }

  return {
    redact(result, inv) {
      const plan = inv.obligations.some((o) => o.kind === 'redact') ? planFor(profile, inv.obligations) : base;
      const needsKey = Object.values(plan.modes).includes('hash') || [...plan.fields.values()].includes('hash');
      const k = needsKey ? hashKey() : undefined;
      return k instanceof Promise ? k.then((v) => run(result, inv, plan, v)) : run(result, inv, plan, k);
    },
  };
}

/**
 * Whether a text is the JSON of the structured result (compact or indented), the text
 * block a tool usually sends beside it. Each form is serialised once, only when a text
 * of its length and shape asks.
 */
function mirrorOf(source: Record<string, unknown>, redacted: Record<string, unknown>): Mirror {
  let compact: string | undefined;
  let indented: string | undefined;
  return {
    source,
    redacted,
    is(text) {
      const lead = text.charCodeAt(0);
      if (lead !== 123 && lead !== 91) return false; // { or [
      if (text.charCodeAt(1) !== 10) return text === (compact ??= JSON.stringify(source));
      return text === (indented ??= JSON.stringify(source, null, 2));
    },
  };
}

/** The structured result before and after redaction, and a test for its text mirror. */
interface Mirror {
  readonly source: Record<string, unknown>;
  readonly redacted: Record<string, unknown>;
  is(text: string): boolean;
}

function redactBlock(b: ContentBlock, plan: Plan, r: Renderer, counts: PiiCount, mirror: Mirror | undefined): ContentBlock {
  if (b.type === 'text') {
    // the text mirror of structuredContent is rebuilt from the redacted value (and not counted twice)
    if (mirror?.is(b.text)) {
      return mirror.redacted === mirror.source ? b : { ...b, text: JSON.stringify(mirror.redacted, null, b.text.charCodeAt(1) === 10 ? 2 : undefined) };
    }
    const text = redactString(b.text, plan, r, counts);
    return text === b.text ? b : { ...b, text };
  }
  if (b.type === 'resource') {
    const res = b.resource;
    const text = typeof res.text === 'string' ? redactString(res.text, plan, r, counts) : res.text;
    const uri = redactFree(res.uri, plan, r, counts);
    return text === res.text && uri === res.uri ? b : { ...b, resource: { ...res, uri, ...(text !== undefined && { text }) } };
  }
  if (b.type === 'resource_link') {
    const uri = redactFree(b.uri, plan, r, counts);
    return uri === b.uri ? b : { ...b, uri };
  }
  return b; // images and audio are binary: no text detectors apply
}

/** A text that is JSON is walked as JSON (keys give context); anything else is free text. */
function redactString(text: string, plan: Plan, r: Renderer, counts: PiiCount): string {
  const lead = text.trimStart()[0];
  if ((lead === '{' || lead === '[') && text.length <= MAX_JSON_TEXT) {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    if (parsed !== undefined) {
      const out = redactStructured(parsed, plan, r, counts);
      if (out === parsed) return text;
      return JSON.stringify(out === DROPPED ? null : out, null, text.includes('\n  ') ? 2 : undefined);
    }
  }
  return redactFree(text, plan, r, counts);
}

function redactFree(text: string, plan: Plan, r: Renderer, counts: PiiCount): string {
  const findings = scanText(text, { types: plan.types, hints: { defaultCountry: plan.defaultCountry } });
  for (const f of findings) { counts.count++; counts.byType[f.type] = (counts.byType[f.type] ?? 0) + 1; }
  return findings.length ? applyFindings(text, findings, plan.modes, r).text : text;
}
