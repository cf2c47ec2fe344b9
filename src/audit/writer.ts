import { closeSync, fsync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalRecord, GENESIS_PREV, sha256 } from './canonical.js';
import { publicPem, signHash, type AuditSigner } from './keys.js';
import { lockChain } from './lock.js';
import { segmentName } from './segments.js';
import { readTail } from './tail-state.js';
import { HEAD_FILE, PUBLIC_KEY_FILE, type CallFields, type HeadFile } from './types.js';

export type FsyncPolicy = 'always' | 'batch' | 'never';

export interface AuditLogOptions {
  /** The chain's own folder, `<data dir>/audit/<instance>`. */
  readonly dir: string;
  readonly instance: string;
  readonly signer: AuditSigner;
  /** Sign the chain head after this many records (`audit.checkpoint_every`). */
  readonly checkpointEvery?: number;
  /** ... or after this many seconds with unsigned records (`audit.checkpoint_seconds`). */
  readonly checkpointSeconds?: number;
  /** always: fsync every write; batch: fsync (off the event loop) after each checkpoint; never: leave it to the OS. */
  readonly fsync?: FsyncPolicy;
  /** A new segment starts once the current one passes this size. */
  readonly segmentBytes?: number;
  readonly now?: () => number;
  /** A write fault. The log then refuses durable appends (write tools fail closed). */
  readonly onError?: (err: Error) => void;
  /** The write call (fault injection in tests); `fs.writeSync` by default. */
  readonly write?: (fd: number, data: Buffer, offset: number) => number;
}

/** One instance's append-only, hash-chained, checkpoint-signed audit log. */
export interface AuditLog {
  readonly instance: string;
  readonly dir: string;
  keyId(): string;
  /** Buffers one record; written on the next turn of the event loop (batched). */
  append(fields: CallFields): void;
  /**
   * Queues a record whose fields are built at the next flush, in order: the caller's path
   * pays for a closure only; hashing, HMAC and canonical JSON run once per batch.
   */
  appendLater(build: () => CallFields): void;
  /** Writes the record (and everything buffered before it) now; rejects when it could not. */
  appendDurable(fields: CallFields): Promise<void>;
  /** Signs the current head now, if anything is unsigned. */
  checkpoint(): void;
  /** A rotation record signed by the current key introduces the next one, which signs from then on. */
  rotate(next: AuditSigner): void;
  flush(): void;
  /** A final checkpoint, fsync, unlock. */
  close(): Promise<void>;
  /** Called with every line once it is written (audit tail in-process, tests). */
  onLine?: (line: string) => void;
}

const HEAD_EVERY_MS = 1000;
const MAX_PENDING = 1024;

export function openAuditLog(options: AuditLogOptions): AuditLog {
  const { dir, instance } = options;
  const every = options.checkpointEvery ?? 100;
  const policy = options.fsync ?? 'batch';
  const segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
  const now = options.now ?? Date.now;
  // Flush early under a burst: bounded memory, and segments stay near their size.
  const maxBuffered = Math.min(1 << 20, Math.max(4096, segmentBytes >> 2));
  const write = options.write ?? ((fd: number, data: Buffer, offset: number) => writeSync(fd, data, offset));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const unlock = lockChain(dir);
  let signer = options.signer;
  const tail = readTail(dir);
  if (tail?.keyId !== undefined && tail.keyId !== signer.keyId) {
    unlock();
    throw new Error(`audit chain ${dir} is signed by key ${tail.keyId}, not the configured key ${signer.keyId}; rotate with the old key first`);
  }
  let segment = tail ? tail.segment + (tail.torn ? 1 : 0) : 1;
  let seq = tail?.nextSeq ?? 0;
  let head = tail?.head ?? GENESIS_PREV;
  let fd = openSync(join(dir, segmentName(segment)), 'a', 0o600);
  let segBytes = 0;
  let buffer: string[] = [];
  let buffered = 0;
  let unsigned = 0;
  let headLine: string | undefined;
  let scheduled = false;
  let failed: Error | undefined;
  let closed = false;
  let headAt = 0;
  let pending: (() => CallFields)[] = [];
  publishKey();

  function push(fields: Record<string, unknown>, signed: boolean): void {
    const body = canonicalRecord(fields, { v: 1, seq, time: new Date(now()).toISOString(), instance, prev: head });
    const hash = sha256(body);
    const line = `${body.slice(0, -1)},"hash":"${hash}"${signed ? `,"sig":"${signHash(hash, signer.privateKey)}"` : ''}}\n`;
    seq++;
    head = hash;
    buffer.push(line);
    buffered += line.length;
    if (signed) { unsigned = 0; headLine = line.slice(0, -1); } else unsigned++;
  }

  /** Builds the queued records in arrival order; a build fault loses that record, never the chain. */
  function drain(): void {
    if (!pending.length) return;
    const list = pending;
    pending = [];
    for (const build of list) {
      let fields: CallFields;
      try { fields = build(); } catch (err) { options.onError?.(err as Error); continue; }
      push(fields as unknown as Record<string, unknown>, false);
      if (unsigned >= every) checkpoint();
    }
  }

  function schedule(): void {
    if (buffered > maxBuffered || pending.length >= MAX_PENDING) return flushSafe();
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushSafe).unref();
  }

  function flushSafe(): void {
    scheduled = false;
    try { flush(); } catch (err) { fail(err as Error); }
  }

  function fail(err: Error): void {
    failed ??= err;
    options.onError?.(err);
  }

  // HEAD.json (the signed head, for truncation checks) is rewritten at most once a second, and on close and rotation.
  function flush(force = false): void {
    drain();
    if (!buffer.length && !(force && headLine !== undefined)) return;
    if (failed) throw failed;
    const lines = buffer;
    const data = Buffer.from(lines.join(''));
    buffer = [];
    buffered = 0;
    if (fd < 0) fd = openSync(join(dir, segmentName(segment)), 'a', 0o600);
    let off = 0;
    while (off < data.length) off += write(fd, data, off);
    segBytes += data.length;
    if (policy === 'always') fsyncSync(fd);
    if (headLine !== undefined && (force || now() - headAt >= HEAD_EVERY_MS)) {
      headAt = now();
      const h: HeadFile = { instance, segment: segmentName(segment), line: headLine };
      writeFileSync(join(dir, `${HEAD_FILE}.tmp`), JSON.stringify(h), { mode: 0o600 });
      renameSync(join(dir, `${HEAD_FILE}.tmp`), join(dir, HEAD_FILE));
      headLine = undefined;
      if (policy === 'batch') fsync(fd, (err) => { if (err) fail(err); });
    }
    if (log.onLine) for (const l of lines) log.onLine(l.slice(0, -1));
    if (segBytes >= segmentBytes) roll();
  }

  function roll(): void {
    if (policy !== 'never') fsyncSync(fd);
    closeSync(fd);
    // The next segment is opened by the next write: a closed chain never ends in an empty file.
    fd = -1;
    segment++;
    segBytes = 0;
  }

  function publishKey(): void {
    writeFileSync(join(dir, PUBLIC_KEY_FILE), publicPem(signer.publicKey), { mode: 0o644 });
  }

  function checkpoint(final = false): void {
    drain();
    if (unsigned === 0 && !final) return;
    push({ kind: 'checkpoint', keyId: signer.keyId, ...(final && { final: true }) }, true);
  }

  const timer = setInterval(() => {
    if (unsigned > 0 && !closed) { checkpoint(); schedule(); }
  }, (options.checkpointSeconds ?? 5) * 1000);
  timer.unref();

  const log: AuditLog = {
    instance,
    dir,
    keyId: () => signer.keyId,
    append(fields) {
      if (closed) return fail(new Error('audit log is closed'));
      drain();
      push(fields as unknown as Record<string, unknown>, false);
      if (unsigned >= every) checkpoint();
      schedule();
    },
    async appendDurable(fields) {
      if (closed) throw new Error('audit log is closed');
      if (failed) throw failed;
      drain();
      push(fields as unknown as Record<string, unknown>, false);
      if (unsigned >= every) checkpoint();
      try { flush(); } catch (err) { fail(err as Error); throw err; }
    },
    appendLater(build) {
      if (closed) return fail(new Error('audit log is closed'));
      pending.push(build);
      schedule();
    },
    checkpoint() { checkpoint(); schedule(); },
    rotate(next) {
      drain();
      push({ kind: 'rotate', keyId: signer.keyId, newKeyId: next.keyId, newKey: next.spki }, true);
      signer = next;
      publishKey();
      flush(true);
    },
    flush: () => flush(),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      try {
        checkpoint(true);
        flush(true);
        if (policy !== 'never' && fd >= 0) fsyncSync(fd);
      } finally {
        if (fd >= 0) closeSync(fd);
        unlock();
      }
    },
  };

  // Every start leaves a signed mark: genesis, a clean resume, or a recovery naming what a crash left.
  if (!tail) push({ kind: 'genesis', keyId: signer.keyId, key: signer.spki }, true);
  else if (tail.torn) push({ kind: 'recovery', keyId: signer.keyId, torn: tail.torn }, true);
  else push({ kind: tail.closed ? 'resume' : 'recovery', keyId: signer.keyId }, true);
  flush();
  return log;
}
