import type { Recorder } from '../core/record.js';
import type { Logger } from '../core/logger.js';
import { outcomeCode } from '../core/decision.js';

/**
 * One structured log line per call or edge refusal: who, which tool, the decision,
 * its code and the stage that decided. Arguments and results are never logged.
 */
export function logRecorder(logger: Logger): Recorder {
  return {
    record(r) {
      const o = r.outcome;
      logger.info({
        traceId: r.traceId,
        kind: r.kind,
        tool: r.toolName,
        actor: r.principal?.id,
        tenant: r.principal?.tenant,
        transport: r.transport,
        decision: o.kind === 'ok' ? (o.replayed ? 'replay' : 'allow') : o.kind === 'denied' ? 'deny' : 'error',
        code: outcomeCode(o),
        stage: r.decidedBy,
        ...(r.http && { status: r.http.status }),
        durationMs: Math.round(r.durationMs * 1000) / 1000,
        piiCount: r.pii.count,
      }, r.kind === 'edge' ? 'edge refusal' : 'tool call');
    },
  };
}
