/**
 * The one registry of decision and error codes. Tests, spans, audit records and
 * the HTTP mapping use these exact strings; README documents each one, and a
 * test fails when a code here lacks a README row.
 */
export const CODES = {
  AUTH_REQUIRED: { http: 401, meaning: 'no bearer token' },
  AUTH_INVALID: { http: 401, meaning: 'bad signature, alg, aud, iss, exp, nbf, TTL too long' },
  AUTH_REPLAY: { http: 401, meaning: 'jti seen inside the replay window' },
  SCOPE_MISSING: { http: 403, meaning: "token lacks the tool's purpose grant" },
  INVALID_PARAMS: { http: 400, meaning: 'schema violation (type, bound, enum, format)' },
  UNKNOWN_FIELD: { http: 400, meaning: 'a field the schema does not declare (mass assignment)' },
  READ_ONLY: { http: 403, meaning: 'write tool while read-only mode is on' },
  QUARANTINED: { http: 403, meaning: 'tool is quarantined' },
  POLICY_DENY: { http: 403, meaning: 'a policy rule denied' },
  TICKET_REQUIRED: { http: 403, meaning: 'prod change > 10% without a change ticket' },
  APPROVAL_REQUIRED: { http: 403, meaning: 'the call waits for a human approval' },
  RATE_LIMITED: { http: 429, meaning: 'rpm/burst exceeded' },
  CONCURRENCY_LIMITED: { http: 429, meaning: 'too many calls in flight' },
  BUDGET_EXCEEDED: { http: 429, meaning: 'daily cost budget spent' },
  STOP_RULE: { http: 429, meaning: 'plan depth or retry cap reached' },
  IDEMPOTENCY_KEY_REQUIRED: { http: 400, meaning: 'write without idemKey' },
  IDEMPOTENCY_CONFLICT: { http: 409, meaning: 'idemKey reused with other arguments, or still in flight' },
  SSRF_BLOCKED: { http: 403, meaning: 'destination resolves to a denied address' },
  EGRESS_DENIED: { http: 403, meaning: 'destination not on the egress allow-list, or blocked' },
  NOT_FOUND: { http: 404, meaning: 'object or tool absent, or owned by another tenant (no existence leak)' },
  PAYLOAD_TOO_LARGE: { http: 413, meaning: 'request body or response over its cap' },
  UPSTREAM_ERROR: { http: 502, meaning: 'a backend failed after retries' },
  INTERNAL_ERROR: { http: 403, meaning: 'a fault inside Palisade; the call was denied (fail closed); never a 5xx at the edge' },
  // The HTTP edge's own refusals, before any MCP message is read.
  HOST_NOT_ALLOWED: { http: 403, meaning: 'Host header is not on the allow-list (DNS-rebinding defence)' },
  ORIGIN_NOT_ALLOWED: { http: 403, meaning: 'Origin header is not on the allow-list' },
  PARSE_ERROR: { http: 400, meaning: 'body is not valid JSON (JSON-RPC -32700)' },
  INVALID_REQUEST: { http: 400, meaning: 'not a valid JSON-RPC request for this endpoint' },
  BATCH_TOO_LARGE: { http: 400, meaning: 'JSON-RPC batch over its cap' },
  METHOD_NOT_ALLOWED: { http: 405, meaning: 'HTTP method not allowed on this path' },
  NOT_ACCEPTABLE: { http: 406, meaning: 'Accept does not list the media types the endpoint answers with' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, meaning: 'request Content-Type is not application/json' },
  STREAM_CONFLICT: { http: 409, meaning: 'a second SSE stream on a session that already has one' },
} as const satisfies Record<string, { http: number; meaning: string }>;

export type Code = keyof typeof CODES;

export const ALL_CODES = Object.keys(CODES) as Code[];

export function isCode(value: unknown): value is Code {
  return typeof value === 'string' && Object.hasOwn(CODES, value);
}

/** The one mapping from a code to an HTTP status: every edge answer takes its status from here. */
export function httpStatus(code: Code): number {
  return CODES[code].http;
}
