/** The logger shape the throttle writes to. */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface WarnThrottleOptions {
  /** Events logged one by one per window before the rest are only counted. Default 5. */
  readonly burst?: number;
  /** Window length; the counted rest is logged as one summary line when it ends. Default 60 s. */
  readonly windowMs?: number;
  readonly now?: () => number;
}

/** One event: a stable kind (e.g. an error code) and nothing the peer chose. */
export type WarnEvent = (kind: string) => void;

/**
 * Rate-limits and summarises one kind of warning that a peer can cause at will
 * (a failed TLS handshake, a malformed request line): at most `burst` lines per
 * window, then one summary `{ suppressed, byKind }` when the window is over, so
 * an unauthenticated client cannot drive log volume. Summaries are written by a
 * timer that does not keep the process alive; `flush()` writes one now.
 */
export function warnThrottle(log: WarnLogger | undefined, msg: string, o: WarnThrottleOptions = {}): WarnEvent & { flush(): void; stop(): void } {
  const burst = o.burst ?? 5;
  const windowMs = o.windowMs ?? 60_000;
  const now = o.now ?? Date.now;
  let windowStart = now();
  let logged = 0;
  let byKind = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (byKind.size > 0) {
      const counts = Object.fromEntries(byKind);
      const suppressed = [...byKind.values()].reduce((a, b) => a + b, 0);
      log?.warn({ suppressed, byKind: counts, windowMs }, `${msg} (summary)`);
    }
    byKind = new Map();
    logged = 0;
    windowStart = now();
  };
  const event = ((kind: string) => {
    if (now() - windowStart >= windowMs) flush();
    if (logged < burst) {
      logged += 1;
      log?.warn({ kind }, msg);
      return;
    }
    // A bounded map: kinds are codes we derive, but cap anyway.
    const k = byKind.has(kind) || byKind.size < 32 ? kind : 'other';
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
    if (!timer) {
      timer = setTimeout(flush, Math.max(0, windowMs - (now() - windowStart)));
      timer.unref?.();
    }
  }) as WarnEvent & { flush(): void; stop(): void };
  event.flush = flush;
  event.stop = () => { if (timer) clearTimeout(timer); timer = undefined; };
  return event;
}

/**
 * A stable kind for a TLS client error: Node's `code` (`ERR_SSL_WRONG_VERSION_NUMBER`,
 * `ECONNRESET`), never `message`, which carries OpenSSL source paths and line numbers.
 */
export function tlsErrorKind(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'TLS_ERROR';
}
