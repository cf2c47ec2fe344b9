import { FaultError } from './errors.js';
import type { CheckedInvocation } from './invocation.js';
import type { RedactInput } from './pipeline.js';
import type { ToolContext } from './tool.js';

export interface HandlerOptions {
  /** Longest the handler may run when the tool sets no `timeoutMs` of its own. */
  readonly timeoutMs: number;
  readonly now: () => number;
}

/**
 * The handler stage: runs the tool under its deadline with an AbortSignal that follows
 * the caller's, and checks a declared output schema. One promise settles with the
 * handler or the deadline, whichever comes first (UPSTREAM_ERROR).
 */
export async function runHandler(inv: CheckedInvocation, o: HandlerOptions): Promise<RedactInput> {
  const limit = inv.tool.timeoutMs ?? o.timeoutMs;
  const cancel = handlerSignal(inv.signal);
  const ctx: ToolContext = {
    principal: inv.principal, traceId: inv.traceId, region: routedRegion(inv), deadline: o.now() + limit, invocation: inv,
    get signal() { return cancel.signal(); },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const running: unknown = inv.tool.call ? inv.tool.call(inv.args, ctx) : inv.tool.handler(inv.args, ctx);
    // A handler that answered synchronously is done: no deadline to arm.
    const result = !isThenable<unknown>(running) ? running : await new Promise<unknown>((resolve, reject) => {
      timer = setTimeout(() => {
        cancel.abort(new Error('deadline'));
        reject(new FaultError('UPSTREAM_ERROR', `tool ${inv.tool.name} did not answer within ${limit} ms`));
      }, limit);
      running.then(resolve, reject);
    });
    if (inv.tool.call) return result as RedactInput;
    if (!inv.tool.output) return { structuredContent: result as Record<string, unknown>, content: [] };
    const checked = inv.tool.output.check(result as Record<string, unknown>);
    if (checked === undefined) throw new FaultError('INTERNAL_ERROR', `tool ${inv.tool.name} returned a result outside its output schema`);
    return { structuredContent: checked, content: [] };
  } finally {
    clearTimeout(timer);
    cancel.done();
  }
}

/** A value or a promise of it; any thenable counts (guards and recorders may return either). */
export function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * The handler's AbortSignal, made only when the tool reads it (most never do: an
 * AbortController and a listener per call cost about 4% of an in-process call). It aborts
 * on the caller's abort while the handler runs, and on the deadline, as an eager one would.
 */
function handlerSignal(caller: AbortSignal): { signal(): AbortSignal; abort(reason: unknown): void; done(): void } {
  let ac: AbortController | undefined;
  let reason: unknown;
  let aborted = false;
  let running = true;
  const onAbort = () => ac!.abort(caller.reason);
  return {
    signal() {
      if (ac) return ac.signal;
      ac = new AbortController();
      if (aborted) ac.abort(reason);
      else if (caller.aborted) ac.abort(caller.reason);
      else if (running) caller.addEventListener('abort', onAbort, { once: true });
      return ac.signal;
    },
    abort(why) {
      if (aborted) return;
      aborted = true;
      reason = why;
      ac?.abort(why);
    },
    done() {
      if (!running) return;
      running = false;
      if (ac) caller.removeEventListener('abort', onAbort);
    },
  };
}

function routedRegion(inv: CheckedInvocation): string {
  for (let i = inv.obligations.length - 1; i >= 0; i--) {
    const o = inv.obligations[i]!;
    if (o.kind === 'route') return o.region;
  }
  return inv.principal.region;
}
