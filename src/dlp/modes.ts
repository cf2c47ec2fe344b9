import { createHmac } from 'node:crypto';
import { isAlnum } from './chars.js';
import type { DetectorType, RedactMode } from './types.js';

/** Values kept in part by `partial` (last four characters); every other type is masked whole. */
const PARTIAL_TYPES: ReadonlySet<string> = new Set(['card', 'iban', 'phone', 'ssn']);

/** What `hash` needs: the caller's key (from the secrets provider) and the tenant it is derived for. */
export interface RedactContext {
  /**
   * Master key for `hash`. Without it `hash` falls back to `mask`: the clear value never
   * leaves. Keep it in the secrets provider; a leaked key lets anyone confirm guesses.
   */
  readonly hashKey?: string | Uint8Array;
  /** Hashes are stable within a tenant (joins still work) and differ across tenants. */
  readonly tenant?: string;
}

/** The per-tenant HMAC key: HMAC-SHA256(master, "palisade.dlp.tenant:" + tenant). */
export function tenantKey(master: string | Uint8Array, tenant: string): Buffer {
  return createHmac('sha256', master).update(`palisade.dlp.tenant:${tenant}`).digest();
}

/** One place decides how a detected value is rewritten; `undefined` means "drop it". */
export interface Renderer {
  render(value: string, type: DetectorType | 'field', mode: RedactMode): string | undefined;
}

/** A renderer bound to one call's context (the tenant key is derived once, on first use). */
export function renderer(ctx: RedactContext = {}): Renderer {
  let key: Buffer | undefined;
  return {
    render(value, type, mode) {
      switch (mode) {
        case 'drop': return undefined;
        case 'partial': return PARTIAL_TYPES.has(type) ? keepLast4(value) : mask(value, type);
        case 'hash': {
          if (ctx.hashKey === undefined) return mask(value, type);
          key ??= tenantKey(ctx.hashKey, ctx.tenant ?? '');
          return `hash:${createHmac('sha256', key).update(normalise(value, type)).digest('hex').slice(0, 16)}`;
        }
        default: return mask(value, type);
      }
    },
  };
}

/** `jane.doe@example.com` -> `j***@example.com`; any other value -> `[redacted:<type>]`. */
export function mask(value: string, type: DetectorType | 'field'): string {
  const at = value.lastIndexOf('@');
  if ((type === 'email' || type === 'field') && at > 0 && at < value.length - 1) return `${value[0]}***${value.slice(at)}`;
  return type === 'field' ? '[redacted]' : `[redacted:${type}]`;
}

/** Letters and digits become `*` except the last four (all of them when fewer than eight); separators stay. */
export function keepLast4(value: string): string {
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) alnum++;
  let keep = alnum >= 8 ? 4 : 0;
  const out: string[] = new Array<string>(value.length);
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i);
    if (!isAlnum(c)) out[i] = value[i]!;
    else if (keep > 0) { out[i] = value[i]!; keep--; } else out[i] = '*';
  }
  return out.join('');
}

/** The same person's number written two ways hashes the same: separators and case do not count. */
function normalise(value: string, type: DetectorType | 'field'): string {
  if (type === 'email') return value.toLowerCase();
  if (type === 'card' || type === 'iban' || type === 'ssn' || type === 'phone') return value.replace(/[^0-9A-Za-z+]/g, '').toUpperCase();
  return value;
}
