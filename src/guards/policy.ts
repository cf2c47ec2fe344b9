import { allow, deny, type Outcome } from '../core/decision.js';
import type { CheckedInvocation } from '../core/invocation.js';
import type { Guard } from '../core/pipeline.js';
import { createApprovals, type ApprovalOptions, type ApprovalSubject } from '../policy/approvals.js';
import type { CompiledPolicy, PolicyResult } from '../policy/compile.js';
import { askApproval, redactedArgs } from '../policy/elicit.js';
import { buildPolicyInput, compileEgressAllow } from '../policy/input.js';
import { createTaintStore, UNTRUSTED_META } from '../policy/taint.js';
import type { StateStore } from '../state/store.js';

export interface PolicyGuardOptions {
  /** The policy in force, read once per call: a watcher's `current` for hot reload, or one compiled policy. */
  readonly policy: CompiledPolicy | (() => CompiledPolicy);
  /** Approvals and session taint live here (Redis: across instances). */
  readonly store: StateStore;
  /** `egress.allow` of palisade.yaml: what `egress.domain_in_allowlist` means. */
  readonly egressAllow?: readonly string[];
  /** The deployment environment (`env` key); default NODE_ENV, else `development`. */
  readonly env?: string;
  readonly approvals?: ApprovalOptions & {
    /** How long an in-band (elicitation) question waits for the human. Default 120 s. */
    readonly elicitTimeoutMs?: number;
  };
  /** The DLP scanner's verdict on the arguments (`args.contains_secret`); asked only when a rule reads it. */
  readonly containsSecret?: (args: Readonly<Record<string, unknown>>) => boolean;
  readonly now?: () => number;
}

/**
 * The `policy` stage: evaluates the compiled policy on the call's facts (session
 * taint read from the store), hands on redact/route obligations, and answers
 * `require_approval` in-band (elicitation) or out-of-band (APPROVAL_REQUIRED with
 * an approval id). Its finalizer taints the session when the result is untrusted.
 */
export function policy(options: PolicyGuardOptions): Guard {
  const current = typeof options.policy === 'function' ? options.policy : ((p) => () => p)(options.policy);
  const egressAllow = compileEgressAllow(options.egressAllow ?? []);
  const env = options.env ?? process.env['NODE_ENV'] ?? 'development';
  const now = options.now ?? Date.now;
  const approvals = createApprovals(options.store, { ...options.approvals, now: options.approvals?.now ?? now });
  const taint = createTaintStore(options.store);
  const elicitTimeoutMs = options.approvals?.elicitTimeoutMs ?? 120_000;

  return {
    name: 'policy',
    async check(inv: CheckedInvocation) {
      // A tool's own function rules (e.g. orders.export's unmasked-email grant) decide first.
      if (inv.tool.rules) {
        const own = await inv.tool.rules(inv.args, inv);
        if (!own.allow) return own;
      }
      const compiled = current();
      const ref = { tenant: inv.principal.tenant, principalId: inv.principal.id, sessionId: inv.session.id };
      const tainted = inv.session.tainted || await taint.isTainted(ref);
      const scan = compiled.needsSecretScan && options.containsSecret ? options.containsSecret(inv.args) : undefined;
      const r = compiled.evaluate(buildPolicyInput({
        tool: inv.tool, principal: inv.principal, args: inv.args, tainted, env, now: now(), egressAllow,
        ...(scan !== undefined && { containsSecret: scan }),
      }));
      const notes: Record<string, unknown> = { policyVersion: r.policyVersion, matched: r.matched };
      if (r.wouldDeny.length > 0) notes['wouldDeny'] = r.wouldDeny;
      if (tainted) notes['sessionTainted'] = true;
      const finalize = async (outcome: Outcome) => {
        if (outcome.kind === 'ok' && (inv.tool.untrusted === true || outcome.result.meta?.[UNTRUSTED_META] === true)) await taint.mark(ref);
      };
      const pass = (extra?: Record<string, unknown>) =>
        allow({ obligations: r.obligations, notes: extra ? { ...notes, ...extra } : notes, finalize });

      if (r.decision === 'allow') return pass();
      if (r.decision === 'deny') return deny(r.code ?? 'POLICY_DENY', r.message ?? 'denied by policy', { details: { rule: r.rule ?? '' }, notes });

      const subject: ApprovalSubject = { tenant: ref.tenant, principalId: ref.principalId, tool: inv.tool.name, args: inv.args, rule: r.rule ?? '' };
      const used = await approvals.consume(subject);
      if (used) return pass({ approval: { id: used.id, via: used.via, by: used.approvedBy, at: used.approvedAt } });
      if (inv.client?.elicit) return inBand(inv, r, subject, notes, pass);
      const req = await approvals.request(subject);
      return deny('APPROVAL_REQUIRED', `${r.message ?? 'a human approval is required'}; ask an approver to run: palisade approve ${req.id}`, {
        details: { approvalId: req.id, rule: subject.rule, expiresAt: new Date(req.expiresAt).toISOString() },
        notes: { ...notes, approval: { id: req.id, status: 'pending' } },
      });
    },
  };

  async function inBand(inv: CheckedInvocation, r: PolicyResult, subject: ApprovalSubject, notes: Record<string, unknown>, pass: (extra?: Record<string, unknown>) => ReturnType<typeof allow>) {
    const accepted = await askApproval(inv.client!, {
      principalId: inv.principal.id, tool: inv.tool.name, rule: subject.rule,
      reason: r.message ?? 'a human approval is required', args: redactedArgs(inv.args, r.obligations),
    }, inv.signal, elicitTimeoutMs);
    const rec = await approvals.recordInBand(subject, accepted);
    if (accepted) return pass({ approval: { id: rec.id, via: 'elicitation', by: rec.approvedBy, at: rec.approvedAt } });
    return deny('APPROVAL_REQUIRED', 'the approval was declined or not given in time', {
      details: { rule: subject.rule }, notes: { ...notes, approval: { id: rec.id, via: 'elicitation', status: 'declined' } },
    });
  }
}
