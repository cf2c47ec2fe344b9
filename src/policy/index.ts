/** The policy engine: policy.yaml -> compiled, pure evaluator; approvals; session taint. */
export { parsePolicy, loadPolicyFile, PolicyError, type PolicySource } from './load.js';
export { compilePolicy, type CompiledPolicy, type CompiledRule, type PolicyResult, type PolicyObligation, type CompileOptions } from './compile.js';
export { explain, formatExplanation, type Explanation, type RuleTrace } from './explain.js';
export { watchPolicy, type PolicyWatcher, type PolicyStatus, type WatchOptions } from './watch.js';
export { buildPolicyInput, compileEgressAllow, type EgressAllow, type InputParts } from './input.js';
export { regionFamily, type PolicyInput } from './facts.js';
export { BUILTIN_RULES } from './builtin.js';
export { createApprovals, APPROVAL_GRANT, type Approvals, type ApprovalRecord, type ApproveResult, type ApprovalRefusal } from './approvals.js';
export { createTaintStore, UNTRUSTED_META, type TaintStore, type SessionRef } from './taint.js';
export type { RuleSpec, SourcedRule, PolicyDecision, RedactMode, RuleCode, PolicyDefaults } from './schema.js';
export { toolPolicyRules } from './tool-rules.js';
