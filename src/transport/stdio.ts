import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { errorResponse } from './wire-errors.js';

/** The default of config `stdio.max_line_bytes`: 4 MiB (a 2 MiB message passes; the SDK's own limit was 10 MiB, then exit). */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

export interface StdioTransportOptions {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /**
   * The longest line (one JSON-RPC message) accepted, in bytes (config `stdio.max_line_bytes`).
   * A longer line is discarded as it streams in (memory stays bounded) and answered
   * with `PAYLOAD_TOO_LARGE`; the server keeps serving.
   */
  readonly maxLineBytes?: number;
}

/** How much of a discarded line's start and end is kept to find its request id. */
const ID_WINDOW = 512;

/**
 * MCP over stdio, newline-delimited JSON, splitting lines itself. The SDK's
 * `StdioServerTransport` closes the connection (and the process exits silently)
 * when its buffer passes 10 MiB, and drops unparsable lines without an answer;
 * here an oversized line is `PAYLOAD_TOO_LARGE`, a line that is not JSON is
 * `PARSE_ERROR`, and a JSON value that is not JSON-RPC 2.0 is `INVALID_REQUEST`,
 * each answered as a JSON-RPC error (with the request id when one can be read).
 */
export class PalisadeStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  private readonly stdin: Readable;
  private readonly stdout: Writable;
  private readonly max: number;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while the rest of an oversized line is being skipped. */
  private skipping: { head: string; tail: Buffer } | undefined;
  private started = false;
  private closed = false;

  constructor(options: StdioTransportOptions = {}) {
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isSafeInteger(max) || max < 1024) throw new TypeError('stdio maxLineBytes must be an integer of at least 1024');
    this.max = max;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('stdio transport already started');
    this.started = true;
    this.stdin.on('data', this.ondata);
    this.stdin.on('error', this.onstreamerror);
    // A client that goes away closes our stdout: writes then fail with EPIPE, emitted as
    // 'error' on the stream, which without a listener is an uncaught exception (exit 1).
    this.stdout.on('error', this.onstdouterror);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The stdout 'error' listener stays: a write still in flight may fail after this.
    this.stdin.off('data', this.ondata);
    this.stdin.off('error', this.onstreamerror);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.chunks = [];
    this.size = 0;
    this.skipping = undefined;
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed || this.stdout.destroyed || this.stdout.writableEnded) { reject(new Error('stdio transport: stdout is closed')); return; }
      const settle = (err?: Error | null) => {
        this.stdout.off('drain', onDrain);
        this.stdout.off('error', settle);
        if (err) reject(err); else resolve();
      };
      const onDrain = () => settle();
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) { resolve(); return; }
      this.stdout.once('drain', onDrain);
      this.stdout.once('error', settle);
    });
  }

  private readonly onstreamerror = (err: Error) => { this.onerror?.(err); };

  /** stdout failed (EPIPE: the client is gone): reported once, and the transport closes. */
  private readonly onstdouterror = (err: Error) => {
    if (this.closed) return;
    this.onerror?.(err);
    void this.close();
  };

  private readonly ondata = (chunk: Buffer | string) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) { this.append(buf.subarray(start)); return; }
      this.append(buf.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
  };

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.skipping) {
      const t = Buffer.concat([this.skipping.tail, part]);
      this.skipping.tail = t.subarray(Math.max(0, t.length - ID_WINDOW));
      return;
    }
    if (this.size + part.length <= this.max) {
      this.chunks.push(part);
      this.size += part.length;
      return;
    }
    const head = Buffer.concat([...this.chunks.slice(0, 8), part.subarray(0, ID_WINDOW)]).subarray(0, ID_WINDOW).toString('latin1');
    this.skipping = { head, tail: Buffer.from(part.subarray(Math.max(0, part.length - ID_WINDOW))) };
    this.chunks = [];
    this.size = 0;
  }

  private endLine(): void {
    if (this.skipping) {
      const id = idInEdges(this.skipping.head, this.skipping.tail.toString('latin1'));
      this.skipping = undefined;
      this.reply(errorResponse(id, { rpc: -32600, code: 'PAYLOAD_TOO_LARGE', message: `Request too large: a message may be at most ${this.max} bytes` }));
      return;
    }
    const line = Buffer.concat(this.chunks, this.size).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.size = 0;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.reply(errorResponse(null, { rpc: -32700, code: 'PARSE_ERROR', message: 'Parse error: not valid JSON' }));
      return;
    }
    // The envelope, the lifecycle and the params are checked by the wire filter, which wraps every transport.
    this.onmessage?.(value as JSONRPCMessage);
  }

  private reply(message: JSONRPCMessage): void {
    this.send(message).catch((err: unknown) => this.onerror?.(err as Error));
  }
}

/**
 * The id of an oversized request, read from its first or last key without parsing
 * the whole line: `{"jsonrpc":"2.0","id":7,...` or `...,"id":7}` (the SDK client
 * writes the id last). Anything less certain answers with id null.
 */
export function idInEdges(head: string, tail: string): RequestId | null {
  const first = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d{1,15}|"[^"\\]{1,128}")\s*[,}]/.exec(head);
  const last = /[,{]\s*"id"\s*:\s*(-?\d{1,15}|"[^"\\]{1,128}")\s*\}\s*\r?$/.exec(tail);
  const m = first ?? last;
  if (!m) return null;
  return m[1]!.startsWith('"') ? m[1]!.slice(1, -1) : Number(m[1]);
}
