import type { PalisadeConfig } from '../config/schema.js';
import { createTelemetry, type Telemetry } from './observer.js';
import { createTracing, type Tracing } from './provider.js';

export { withServiceSpan } from './calls.js';
export { createTelemetry, type Telemetry } from './observer.js';
export { createTracing, type Tracing, type TracingOptions } from './provider.js';
export { scrub, scrubValue } from './scrub.js';

/** `telemetry.*` from palisade.yaml: nothing at all for `none` (no cost per call). */
export function telemetryFromConfig(config: PalisadeConfig): (Telemetry & { tracing: Tracing }) | undefined {
  const t = config.telemetry;
  if (t.exporter === 'none') return undefined;
  const tracing = createTracing({ exporter: t.exporter, serviceName: t.service_name, ...(t.otlp.endpoint && { endpoint: t.otlp.endpoint }) });
  return { ...createTelemetry(tracing), tracing };
}
