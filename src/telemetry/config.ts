import type { PalisadeConfig } from '../config/schema.js';
import type { Telemetry } from './observer.js';
import type { Tracing } from './provider.js';

/**
 * `telemetry.*` from palisade.yaml. `none` (the default) loads nothing and adds no
 * observer; the OpenTelemetry SDK and exporters are imported only when used.
 */
export async function telemetryFromConfig(config: PalisadeConfig): Promise<(Telemetry & { tracing: Tracing }) | undefined> {
  const t = config.telemetry;
  if (t.exporter === 'none') return undefined;
  const [{ createTracing }, { createTelemetry }] = await Promise.all([import('./provider.js'), import('./observer.js')]);
  const tracing = createTracing({ exporter: t.exporter, serviceName: t.service_name, ...(t.otlp.endpoint && { endpoint: t.otlp.endpoint }) });
  return { ...createTelemetry(tracing), tracing };
}
