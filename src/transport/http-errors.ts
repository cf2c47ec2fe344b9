import type { ServerResponse } from 'node:http';
import { httpStatus, type Code } from '../core/codes.js';

/**
 * Refusals of the HTTP edge that never reach the pipeline. Their codes live in the
 * one registry (core/codes.ts) with the pipeline's, so README documents them all.
 */
export type EdgeCode = Code;

/** One refusal, as data: the router turns it into a response. Its status comes from the registry. */
export interface Refusal {
  readonly code: EdgeCode;
  readonly message: string;
  /** JSON-RPC error code of the envelope (default -32000, server error). */
  readonly rpc?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export function refuse(code: EdgeCode, message: string, extra: Pick<Refusal, 'rpc' | 'headers'> = {}): Refusal {
  return { code, message, ...extra };
}

/** The HTTP status of a refusal: `CODES[code].http`, the one mapping. */
export function statusOf(r: Refusal): number {
  return httpStatus(r.code);
}

/**
 * Every error answer of the edge has one shape, the JSON-RPC error envelope the
 * SDK's own transport errors use, with the Palisade code in `error.data.code`:
 * `{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"...","data":{"code":"AUTH_REQUIRED"}}}`.
 * A JSON-RPC client and a plain HTTP client both find the code in one place.
 */
export function errorBody(r: Refusal): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: r.rpc ?? -32000, message: r.message, data: { code: r.code } } });
}

export function sendRefusal(res: ServerResponse, r: Refusal): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(r);
  res.writeHead(statusOf(r), { ...r.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** `Bearer` challenge parameters (RFC 6750 section 3, RFC 9728 section 5.1). Values are ours, never the caller's. */
export function bearerChallenge(params: { resourceMetadata: string; error?: string; scope?: string; description?: string }): string {
  const parts = [
    ...(params.error ? [`error="${params.error}"`] : []),
    ...(params.scope ? [`scope="${params.scope}"`] : []),
    ...(params.description ? [`error_description="${params.description}"`] : []),
    `resource_metadata="${params.resourceMetadata}"`,
  ];
  return `Bearer ${parts.join(', ')}`;
}

/** The protected-resource metadata URL for a resource URI (RFC 9728 section 3.1: the path is appended). */
export function metadataUrl(resource: string): string {
  const u = new URL(resource);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}
