import type { Recorder } from '../core/pipeline.js';

interface InfoLogger { info(obj: object, msg: string): void }

/**
 * One structured log line per call, allowed or denied: who, which tool, the decision
 * and its code. Arguments and results are never logged. The signed audit log of the
 * audit issue is another Recorder beside this one.
 */
export function logRecorder(logger: InfoLogger): Recorder {
  return {
    record({ invocation: inv, outcome, durationMs, piiCount }) {
      logger.info({
        traceId: inv.traceId,
        tool: inv.tool.name,
        actor: inv.principal.id,
        tenant: inv.principal.tenant,
        transport: inv.transport,
        decision: outcome.kind === 'ok' ? (outcome.replayed ? 'replay' : 'allow') : outcome.kind === 'denied' ? 'deny' : 'error',
        code: outcome.kind === 'denied' ? outcome.deny.code : outcome.kind === 'fault' ? outcome.code : undefined,
        guard: outcome.kind === 'denied' ? outcome.deny.guard : undefined,
        durationMs,
        piiCount,
      }, 'tool call');
    },
  };
}
