/** Every kind of value the DLP engine recognises. */
export const DETECTOR_TYPES = [
  'email', 'phone', 'card', 'iban', 'ssn', 'ip',
  'jwt', 'aws_access_key', 'aws_secret', 'github_token', 'slack_token', 'stripe_key', 'npm_token', 'private_key',
] as const;

export type DetectorType = (typeof DETECTOR_TYPES)[number];

/** Credentials: what `argsContainSecret` looks for and what the default profile always masks. */
export const SECRET_TYPES: ReadonlySet<DetectorType> = new Set<DetectorType>([
  'jwt', 'aws_access_key', 'aws_secret', 'github_token', 'slack_token', 'stripe_key', 'npm_token', 'private_key',
]);

/** One detected value: `text.slice(start, end)` is the value, already validated. */
export interface Finding {
  readonly type: DetectorType;
  readonly start: number;
  readonly end: number;
}

/** How a detected value is rewritten. */
export type RedactMode = 'mask' | 'partial' | 'hash' | 'drop';

export const REDACT_MODES: readonly RedactMode[] = ['mask', 'partial', 'hash', 'drop'];

/** Counts recorded on every call (`pii.count`, `pii.byType`). */
export interface PiiCount {
  count: number;
  byType: Record<string, number>;
}

/** True for the names in DETECTOR_TYPES. */
export function isDetectorType(name: string): name is DetectorType {
  return (DETECTOR_TYPES as readonly string[]).includes(name);
}
