import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, RandomIdGenerator, SimpleSpanProcessor,
  type IdGenerator, type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/**
 * Span ids are random; a trace id can be handed in for the next root span, so a call's
 * spans carry the same trace id as its audit record even when the caller sent none.
 */
class PinnedTraceIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  next: string | undefined;
  generateTraceId(): string {
    const t = this.next;
    this.next = undefined;
    return t ?? this.random.generateTraceId();
  }
  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

export interface TracingOptions {
  /** `telemetry.exporter`, or an exporter object (tests: InMemorySpanExporter). */
  readonly exporter: 'otlp' | 'console' | SpanExporter;
  /** `telemetry.otlp.endpoint`; else the standard OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT variables. */
  readonly endpoint?: string;
  readonly serviceName?: string;
  /** Export each span as it ends (tests, console) instead of in batches. */
  readonly simple?: boolean;
}

/** A private tracer provider (never the global one: a library must not hijack its host's telemetry). */
export interface Tracing {
  readonly tracer: Tracer;
  /** Pins the trace id of the next root span started on this tracer. */
  pinTraceId(traceId: string): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createTracing(options: TracingOptions): Tracing {
  const exporter = options.exporter === 'otlp'
    ? new OTLPTraceExporter(options.endpoint ? { url: options.endpoint } : {})
    : options.exporter === 'console' ? new ConsoleSpanExporter() : options.exporter;
  const simple = options.simple ?? options.exporter === 'console';
  const ids = new PinnedTraceIds();
  const provider = new BasicTracerProvider({
    idGenerator: ids,
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'palisade' }),
    spanProcessors: [simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  return {
    tracer: provider.getTracer('palisade'),
    pinTraceId: (t) => { ids.next = /^[0-9a-f]{32}$/.test(t) && !/^0+$/.test(t) ? t : undefined; },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
