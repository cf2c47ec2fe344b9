import type { CountryCode } from 'libphonenumber-js';
import { DETECTOR_TYPES, isDetectorType, REDACT_MODES, SECRET_TYPES, type DetectorType, type RedactMode } from './types.js';

/** Which detectors run on every tool's result and how each type is rewritten. */
export interface DlpProfile {
  /** Types detected and counted (`pii.byType`). Default: all. */
  readonly detect?: readonly DetectorType[];
  /** Mode per type; a detected type without a mode is counted and left as is. */
  readonly modes?: Partial<Record<DetectorType, RedactMode>>;
  /** Country for national phone numbers under a phone-named key or "phone:" context. Default US. */
  readonly defaultCountry?: CountryCode;
}

/**
 * Credentials are masked everywhere; cards, IBANs and SSNs keep at most their last four;
 * contact data (email, phone) and IP addresses are counted, and redacted where policy says
 * (`redact` obligations), because some tools (orders with the `orders.read:pii` grant) return them on purpose.
 */
export const DEFAULT_PROFILE: DlpProfile = {
  detect: DETECTOR_TYPES,
  modes: {
    ...Object.fromEntries([...SECRET_TYPES].map((t) => [t, 'mask'])),
    card: 'partial', iban: 'partial', ssn: 'mask',
  },
};

/** A `redact` obligation from policy: a property name (any depth) and how to rewrite it. */
export interface RedactObligation {
  readonly kind: 'redact';
  readonly field: string;
  readonly mode: RedactMode;
}

/** What one call's redaction does: the profile plus the call's obligations. */
export interface Plan {
  readonly types: ReadonlySet<DetectorType>;
  readonly modes: Partial<Record<DetectorType, RedactMode>>;
  /** Property names whose whole value is rewritten, detected or not. */
  readonly fields: ReadonlyMap<string, RedactMode>;
  readonly defaultCountry: CountryCode;
}

/** Checks a profile once, at start-up (config errors never surface per call). */
export function checkProfile(profile: DlpProfile): DlpProfile {
  for (const t of profile.detect ?? []) if (!isDetectorType(t)) throw new TypeError(`dlp profile: unknown detector type ${t}`);
  for (const [t, m] of Object.entries(profile.modes ?? {})) {
    if (!isDetectorType(t)) throw new TypeError(`dlp profile: unknown detector type ${t}`);
    if (!REDACT_MODES.includes(m)) throw new TypeError(`dlp profile: unknown mode for ${t}`);
  }
  return profile;
}

/**
 * The profile plus the call's `redact` obligations. An obligation names a property; when
 * that name is also a detector type (`email`, `phone`, `card`...), the mode applies to
 * every value of that type in free text as well, so the text mirror of a result cannot leak it.
 */
export function planFor(profile: DlpProfile, obligations: readonly { readonly kind: string; readonly field?: string; readonly mode?: string }[] = []): Plan {
  const modes: Partial<Record<DetectorType, RedactMode>> = { ...profile.modes };
  const types = new Set<DetectorType>(profile.detect ?? DETECTOR_TYPES);
  const fields = new Map<string, RedactMode>();
  for (const o of obligations) {
    if (o.kind !== 'redact') continue;
    const { field, mode } = o as RedactObligation;
    const m: RedactMode = REDACT_MODES.includes(mode) ? mode : 'mask'; // an unknown mode fails closed
    fields.set(field, m);
    if (isDetectorType(field)) { modes[field] = m; types.add(field); }
  }
  return { types, modes, fields, defaultCountry: profile.defaultCountry ?? 'US' };
}
