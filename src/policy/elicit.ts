import type { ClientChannel } from '../core/invocation.js';
import { maskValue } from '../dlp/obligations.js';
import type { PolicyObligation } from './compile.js';

const SHOWN = /^[A-Za-z0-9_.:@/-]{1,40}$/;
const SECRETISH = /secret|token|password|passwd|key|credential|auth/i;

/**
 * The arguments as a human approver sees them: numbers and booleans as they are,
 * short identifier-like strings as they are, everything else masked; fields a
 * policy redacts or whose names suggest a secret are never shown.
 */
export function redactedArgs(args: Readonly<Record<string, unknown>>, obligations: readonly PolicyObligation[]): Record<string, unknown> {
  const hidden = new Set(obligations.flatMap((o) => (o.kind === 'redact' ? [o.field] : [])));
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    if (typeof v === 'string') return SHOWN.test(v) ? v : maskValue(v);
    if (depth > 3) return '[...]';
    if (Array.isArray(v)) return v.slice(0, 10).map((x) => walk(x, depth + 1));
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 30)) {
        out[k] = hidden.has(k) || SECRETISH.test(k) ? '[redacted]' : walk(x, depth + 1);
      }
      return out;
    }
    return '[?]';
  };
  return walk(args, 0) as Record<string, unknown>;
}

export interface ApprovalQuestion {
  readonly principalId: string;
  readonly tool: string;
  readonly rule: string;
  readonly reason: string;
  readonly args: Record<string, unknown>;
}

/**
 * Asks the human behind the client (MCP `elicitation/create`). True only for an
 * explicit accept with `approve: true`; decline, cancel, a timeout or a broken
 * channel are all "no" (fail closed).
 */
export async function askApproval(client: ClientChannel, q: ApprovalQuestion, signal: AbortSignal, timeoutMs: number): Promise<boolean> {
  if (!client.elicit) return false;
  const message = `Approval needed: ${q.principalId} wants to call ${q.tool}.\n`
    + `Policy rule ${q.rule}: ${q.reason}\nArguments (redacted): ${JSON.stringify(q.args)}\nApprove this one call?`;
  try {
    const answer = await client.elicit({
      message,
      requestedSchema: {
        type: 'object',
        properties: { approve: { type: 'boolean', title: 'Approve this call', description: `Run ${q.tool} once with these arguments` } },
        required: ['approve'],
      },
    }, { signal, timeoutMs });
    return answer.action === 'accept' && answer.content?.['approve'] === true;
  } catch {
    return false;
  }
}
