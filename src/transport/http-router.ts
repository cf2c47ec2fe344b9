import type { IncomingMessage } from 'node:http';
import { refuse, type Refusal } from './http-errors.js';
import { requestLineRefusal } from './edge-protocol.js';
import { checkHost, checkOrigin } from './hygiene.js';

export const MCP_PATH = '/mcp';
export const WELL_KNOWN = '/.well-known/oauth-protected-resource';

export interface RouteTable {
  readonly hosts: ReadonlySet<string>;
  readonly origins: ReadonlySet<string>;
  readonly metadataPaths: ReadonlySet<string>;
}

export type Route =
  | { readonly kind: 'healthz' | 'readyz' | 'metadata' }
  | { readonly kind: 'mcp'; readonly method: 'GET' | 'POST' | 'DELETE' }
  | { readonly kind: 'refuse'; readonly refusal: Refusal };

const READ_ONLY = 'GET, HEAD';

/**
 * Where a request goes, as data: request target -> Host -> path/method -> Origin.
 * Pure: no I/O, no response; the server turns the Route into an answer.
 */
export function routeRequest(req: IncomingMessage, table: RouteTable): Route {
  const line = requestLineRefusal(req);
  if (line) return refused(line);
  const target = req.url ?? '';
  if (!target.startsWith('/')) return refused(refuse('INVALID_REQUEST', 'origin-form request target required'));
  const hostBad = checkHost(req, table.hosts);
  if (hostBad) return refused(hostBad);
  const path = target.split('?', 1)[0]!;
  const method = req.method ?? '';
  const readOnly = method === 'GET' || method === 'HEAD';
  const plain = (kind: 'healthz' | 'readyz' | 'metadata'): Route => (readOnly ? { kind } : methodNotAllowed(READ_ONLY));
  if (path === '/healthz') return plain('healthz');
  if (path === '/readyz') return plain('readyz');
  if (table.metadataPaths.has(path)) return plain('metadata');
  if (path !== MCP_PATH) return refused(refuse('NOT_FOUND', 'no such endpoint'));
  if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') return methodNotAllowed('GET, POST, DELETE');
  const originBad = checkOrigin(req, table.origins);
  if (originBad) return refused(originBad);
  return { kind: 'mcp', method };
}

function refused(refusal: Refusal): Route {
  return { kind: 'refuse', refusal };
}

function methodNotAllowed(allow: string): Route {
  return refused(refuse('METHOD_NOT_ALLOWED', 'method not allowed on this path', { headers: { Allow: allow } }));
}
