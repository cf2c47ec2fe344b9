/** Palisade's public surface: the library API. Everything else is internal. */
export { createPalisade, type Palisade, type PalisadeOptions, type CallOptions } from './palisade.js';
export { defineTool, zodValidator, type ToolDefinition } from './core/define.js';
export { createMcpServer, type McpServerOptions } from './transport/mcp.js';
export { PalisadeStdioTransport, DEFAULT_MAX_LINE_BYTES, type StdioTransportOptions } from './transport/stdio.js';
export { startHttpServer, type HttpServerOptions, type HttpEdge, type EdgeAuthenticator, type EdgeAuthResult } from './transport/http.js';
export type { TlsSettings, TlsFiles } from './transport/tls.js';
export { CODES, ALL_CODES, isCode, type Code } from './core/codes.js';
export { allow, deny, type Decision, type Allow, type Deny, type Obligation, type Outcome, type StoredResult } from './core/decision.js';
export { DenyError, FaultError, ConfigError } from './core/errors.js';
export type { Invocation } from './core/invocation.js';
export type { Principal } from './core/principal.js';
export type { Tool, ToolContext, Effect, InputValidator, ValidationResult, ToolPolicyRule } from './core/tool.js';
export type { Guard, Redactor, Recorder, CallRecord, Pipeline } from './core/pipeline.js';
export { toToolResult, type ToolResult } from './core/result.js';
export type { StateStore } from './state/store.js';
export { createMemoryStore } from './state/memory.js';
export { createSqliteStore } from './state/sqlite.js';
export { loadConfig, type LoadedConfig } from './config/load.js';
export { openAuditLog, type AuditLog, type AuditLogOptions } from './audit/writer.js';
export { auditRecorder, withAuditIntent } from './audit/recorder.js';
export { signerFrom, loadAuditKeys, type AuditSigner } from './audit/keys.js';
export { verifyPath, verifyChain, type ChainReport, type VerifyOptions } from './audit/verify.js';
export { exportBundle, verifyBundle, type Bundle } from './audit/bundle.js';
export { createTracing, createTelemetry, withServiceSpan, type Tracing, type Telemetry } from './telemetry/index.js';
export { policy, type PolicyGuardOptions } from './guards/policy.js';
export {
  parsePolicy, loadPolicyFile, PolicyError, compilePolicy, explain, formatExplanation, watchPolicy,
  buildPolicyInput, compileEgressAllow, regionFamily, BUILTIN_RULES, toolPolicyRules,
  createApprovals, APPROVAL_GRANT, createTaintStore, UNTRUSTED_META,
  type PolicySource, type CompiledPolicy, type PolicyResult, type PolicyObligation, type PolicyWatcher, type PolicyStatus,
  type PolicyInput, type Approvals, type ApprovalRecord, type TaintStore,
} from './policy/index.js';
