import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { admit, sanitizeOutgoing, type WireState } from './wire-errors.js';

/**
 * Wraps an SDK transport (stdio, Streamable HTTP, in-memory) in the wire checks:
 * every incoming message passes `admit` before the SDK's protocol layer sees it
 * (a refused request is answered here, with a registry code), and every outgoing
 * error response passes `sanitizeOutgoing`. The inner transport keeps serving its
 * own entry points (the HTTP edge still calls `handleRequest` on it): only its
 * callbacks are taken over, and callbacks set on it before are still called.
 */
export function wireFilter(inner: Transport): Transport {
  const state: WireState = { initialized: false };
  const outer: Transport = {
    start: () => inner.start(),
    close: () => inner.close(),
    send: (message, options) => inner.send(sanitizeOutgoing(message), options),
  };
  Object.defineProperty(outer, 'sessionId', { get: () => inner.sessionId, enumerable: true });
  if (inner.setProtocolVersion) outer.setProtocolVersion = (v) => inner.setProtocolVersion?.(v);
  const prevClose = inner.onclose;
  const prevError = inner.onerror;
  inner.onclose = () => { prevClose?.(); outer.onclose?.(); };
  inner.onerror = (err) => { prevError?.(err); outer.onerror?.(err); };
  inner.onmessage = (raw, extra) => {
    const a = admit(raw, state);
    if (a.ok) outer.onmessage?.(a.message, extra);
    else if (a.reply) inner.send(a.reply).catch((err: unknown) => outer.onerror?.(err as Error));
  };
  return outer;
}
