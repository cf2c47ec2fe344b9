import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createTelemetry } from '../../src/telemetry/observer.js';
import { createTracing } from '../../src/telemetry/provider.js';

/** A tracer exporting to memory, span by span, and the pipeline hooks built on it. */
export function memoryTelemetry() {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({ exporter, simple: true });
  const t = createTelemetry(tracing);
  return { exporter, tracing, onStage: t.onStage, recorders: [t.recorder], spans: () => exporter.getFinishedSpans() };
}

export const byName = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
export const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const CARD = /\b4111[ -]?1111[ -]?1111[ -]?1111\b/;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\./;
const SECRET = /sk_live_|ghp_[A-Za-z0-9]/;

/** Every attribute value of every span, as text, must hold no email, card number or token. */
export function leaks(spans: readonly ReadableSpan[]): string[] {
  const out: string[] = [];
  for (const s of spans) {
    for (const [k, v] of Object.entries(s.attributes)) {
      const text = Array.isArray(v) ? v.join(' ') : String(v);
      if (EMAIL.test(text) || CARD.test(text) || JWT.test(text) || SECRET.test(text)) out.push(`${s.name} ${k}=${text}`);
    }
  }
  return out;
}
