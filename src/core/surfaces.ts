import type {
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from './principal.js';
import type { ClientChannel } from './invocation.js';

/** What a prompts/get or resources/read carries besides its principal (session, trace, cancellation). */
export interface SurfaceCall {
  readonly sessionId?: string;
  readonly meta?: Record<string, unknown>;
  readonly transport?: string;
  readonly signal?: AbortSignal;
  readonly client?: ClientChannel;
}

/**
 * prompts/list and prompts/get. `get` runs the pipeline; a refusal is thrown as an
 * McpError carrying the registry code (prompts/get has no `isError` result).
 */
export interface PromptSurface {
  list(principal: Principal, call: SurfaceCall): Promise<Prompt[]>;
  get(principal: Principal, name: string, args: Record<string, string> | undefined, call: SurfaceCall): Promise<GetPromptResult>;
}

/** Called with a URI whose upstream said it changed; the server relays it to subscribed clients. */
export type ResourceUpdated = (uri: string) => void;

/** resources/list, templates/list, read, subscribe and unsubscribe, through the same pipeline. */
export interface ResourceSurface {
  readonly subscribe: boolean;
  list(principal: Principal, call: SurfaceCall): Promise<Resource[]>;
  templates(principal: Principal, call: SurfaceCall): Promise<ResourceTemplate[]>;
  read(principal: Principal, uri: string, call: SurfaceCall): Promise<ReadResourceResult>;
  /** Subscribes `subscriber` (one per client session) after the pipeline's preflight for a read of `uri`. */
  watch(principal: Principal, uri: string, subscriber: object, onUpdated: ResourceUpdated, call: SurfaceCall): Promise<void>;
  unwatch(uri: string, subscriber: object): Promise<void>;
  /** Drops every subscription of a closed client session. */
  forget(subscriber: object): void;
}

/** Optional MCP surfaces next to tools; a transport declares each one that is present. */
export interface Surfaces {
  prompts?: PromptSurface;
  resources?: ResourceSurface;
  /** Relay log messages (`notifications/message`) to callers: declares `logging`. */
  logging?: boolean;
}
