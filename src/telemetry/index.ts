export { withServiceSpan } from './calls.js';
export { createTelemetry, type Telemetry } from './observer.js';
export { createTracing, type Tracing, type TracingOptions } from './provider.js';
export { scrub, scrubValue } from './scrub.js';

export { telemetryFromConfig } from './config.js';
