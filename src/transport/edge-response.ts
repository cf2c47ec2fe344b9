import { ServerResponse, type IncomingMessage } from 'node:http';
import { httpStatus, type Code } from '../core/codes.js';
import { classifyHttpError } from './wire-http.js';

const PLAIN_HEADERS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
];
const TLS_HEADERS: readonly (readonly [string, string])[] = [...PLAIN_HEADERS, ['Strict-Transport-Security', 'max-age=31536000']];

/** A refusal that replaces whatever error the SDK transport writes (a failed token bind answers as itself). */
export interface ErrorGuardOptions {
  readonly override?: () => { code: Code; message: string; rpc?: number; headers?: Readonly<Record<string, string>> } | undefined;
}

/** An error answer held back until its end, to be rewritten with a registry code. */
interface Held {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly parts: Buffer[];
}

/** What the edge's response class adds to Node's: `guardErrors` (see below). */
export interface EdgeResponse extends ServerResponse {
  /**
   * From now on every error answer (status >= 400) written to this response carries a
   * registry code and a fixed message: the body is held back, classified and written
   * once, with its length. Success answers (JSON and SSE) stream untouched.
   */
  guardErrors(options?: ErrorGuardOptions): void;
}

/**
 * The response class of one listener (`createServer({ ServerResponse })`). Every answer
 * gets the security headers as its status line is written: `X-Content-Type-Options`,
 * `Referrer-Policy`, HSTS where the connection is TLS, and `Cache-Control: no-store`
 * forced over any other value (the SDK's SSE answers set `no-cache`); headers the answer
 * sets itself win, except Cache-Control. Everything an answer can go through (`writeHead`,
 * Node's implicit headers, `write`, `end`, `flushHeaders`) is a method here, so nothing
 * is patched or bound per request (issue 14: per-request closures were a measurable
 * share of the edge's CPU).
 */
export function edgeResponseClass(tls: boolean): typeof ServerResponse<IncomingMessage> {
  const extra = tls ? TLS_HEADERS : PLAIN_HEADERS;

  class PalisadeResponse extends ServerResponse<IncomingMessage> implements EdgeResponse {
    private guard: ErrorGuardOptions | undefined = undefined;
    private held: Held | undefined = undefined;

    guardErrors(options: ErrorGuardOptions = {}): void {
      this.guard = options;
    }

    override writeHead(status: number, ...rest: unknown[]): this {
      if (this.guard !== undefined && status >= 400) {
        const headers = rest.find((a) => a !== null && typeof a === 'object' && !Array.isArray(a)) as Record<string, unknown> | undefined;
        this.held = { status, headers: { ...headers }, parts: [] };
        return this;
      }
      return this.secureHead(status, rest);
    }

    override write(chunk: unknown, ...rest: unknown[]): boolean {
      const held = this.held;
      if (held === undefined) return (super.write as (...a: unknown[]) => boolean)(chunk, ...rest);
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') held.parts.push(toBuffer(chunk));
      return true;
    }

    override flushHeaders(): void {
      if (this.held === undefined) super.flushHeaders();
    }

    override end(chunk?: unknown, ...rest: unknown[]): this {
      const h = this.held;
      if (h === undefined) return (super.end as (...a: unknown[]) => this)(chunk, ...rest);
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') h.parts.push(toBuffer(chunk));
      this.held = undefined;
      const answer = errorAnswer(h, this.guard ?? {});
      this.secureHead(answer.status, [answer.headers]);
      return (super.end as (...a: unknown[]) => this)(answer.body);
    }

    /** Node's writeHead with the security headers merged into the header object it is given. */
    private secureHead(status: number, args: unknown[]): this {
      const at = args.findIndex((a) => a !== null && typeof a === 'object');
      const headers = at >= 0 && !Array.isArray(args[at]) ? (args[at] as Record<string, unknown>) : undefined;
      if (headers) {
        // Merged into the object: `setHeader` before `writeHead` would send every header through `setHeader` again.
        const names = new Set<string>();
        for (const k of Object.keys(headers)) {
          const lower = k.toLowerCase();
          if (lower === 'cache-control') delete headers[k]; else names.add(lower);
        }
        headers['Cache-Control'] = 'no-store';
        for (const [k, v] of extra) if (!names.has(k.toLowerCase()) && !this.hasHeader(k)) headers[k] = v;
      } else {
        // No header object (implicit headers, or a raw header array): the same headers, one by one.
        this.setHeader('Cache-Control', 'no-store');
        for (const [k, v] of extra) if (!this.hasHeader(k)) this.setHeader(k, v);
      }
      return (super.writeHead as (...a: unknown[]) => this)(status, ...args);
    }
  }
  return PalisadeResponse;
}

/**
 * Switches on the error guard of one edge response (`guardErrors`), before the SDK
 * transport's `handleRequest` writes it. Only the edge's own responses can hold an
 * answer back: any other response is a programming error, refused loudly.
 */
export function guardErrorAnswers(res: ServerResponse, o: ErrorGuardOptions = {}): void {
  if (!isEdgeResponse(res)) throw new TypeError('guardErrorAnswers needs a response of edgeResponseClass (createServer({ ServerResponse }))');
  res.guardErrors(o);
}

/** True for a response made by `edgeResponseClass`. */
export function isEdgeResponse(res: ServerResponse): res is EdgeResponse {
  return typeof (res as Partial<EdgeResponse>).guardErrors === 'function';
}

/** The one error answer written for a held one: status, headers (the held ones, re-typed) and body. */
function errorAnswer(h: Held, o: ErrorGuardOptions): { status: number; headers: Record<string, unknown>; body: string } {
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.concat(h.parts).toString('utf8')); } catch { parsed = undefined; }
  const forced = o.override?.();
  const e = forced ? { status: httpStatus(forced.code), rpc: forced.rpc ?? -32000, code: forced.code, message: forced.message } : classifyHttpError(h.status, parsed);
  const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: e.rpc, message: e.message, data: { code: e.code } } });
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h.headers)) if (!/^(content-length|content-type)$/i.test(k)) headers[k] = v;
  Object.assign(headers, forced?.headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  return { status: e.status, headers, body };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'utf8');
}
