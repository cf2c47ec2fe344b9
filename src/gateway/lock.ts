import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalJson, sha256Hex } from '../core/canonical.js';

/** What is pinned of an upstream tool: everything the model reads or the call depends on. */
export interface PinnedDefinition {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
  readonly outputSchema?: unknown;
  readonly annotations?: unknown;
  readonly title?: string;
}

export function definitionDigest(d: PinnedDefinition): string {
  return sha256Hex(canonicalJson({
    name: d.name, title: d.title ?? null, description: d.description ?? '', inputSchema: d.inputSchema ?? null,
    outputSchema: d.outputSchema ?? null, annotations: d.annotations ?? null,
  }));
}

/** `palisade.lock.json`: digests of every upstream tool definition, signed with Ed25519. */
export interface LockFile {
  readonly version: 1;
  readonly createdAt: string;
  /** `<upstream>.<tool>` -> sha256 of the canonical definition. */
  readonly tools: Readonly<Record<string, string>>;
  readonly publicKey: string;
  readonly signature: string;
}

export type LockCheck =
  | { readonly ok: true; readonly lock: LockFile | undefined }
  | { readonly ok: false; readonly reason: string };

/** The lock signing key: `<data dir>/keys/catalog-ed25519.pem` (generated, 0600), or the secrets provider's PEM. */
export function loadLockKey(dataDir: string, pem?: string, fileName = 'catalog-ed25519.pem'): { privateKey: KeyObject; publicPem: string } {
  let privateKey: KeyObject;
  if (pem) privateKey = createPrivateKey(pem);
  else {
    const file = join(dataDir, 'keys', fileName);
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const { privateKey: k } = generateKeyPairSync('ed25519');
      writeFileSync(file, k.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  }
  return { privateKey, publicPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() };
}

function payload(tools: Record<string, string>, createdAt: string): Buffer {
  return Buffer.from(canonicalJson({ version: 1, createdAt, tools }));
}

export function signLock(tools: Record<string, string>, key: { privateKey: KeyObject; publicPem: string }, now = new Date()): LockFile {
  const createdAt = now.toISOString();
  const sorted = Object.fromEntries(Object.entries(tools).sort(([a], [b]) => a.localeCompare(b)));
  return { version: 1, createdAt, tools: sorted, publicKey: key.publicPem, signature: sign(null, payload(sorted, createdAt), key.privateKey).toString('base64') };
}

/**
 * Reads and verifies the lock. A lock signed by another key than ours, or tampered
 * with, is refused (the gateway then treats every upstream tool as unpinned).
 */
export function readLock(file: string, trustedPublicPem: string): LockCheck {
  if (!existsSync(file)) return { ok: true, lock: undefined };
  let lock: LockFile;
  try { lock = JSON.parse(readFileSync(file, 'utf8')) as LockFile; } catch { return { ok: false, reason: 'lock file is not JSON' }; }
  if (lock?.version !== 1 || typeof lock.tools !== 'object' || typeof lock.signature !== 'string') return { ok: false, reason: 'lock file has the wrong shape' };
  if (lock.publicKey.trim() !== trustedPublicPem.trim()) return { ok: false, reason: 'lock file is signed by another key' };
  const good = verify(null, payload(lock.tools as Record<string, string>, lock.createdAt), createPublicKey(trustedPublicPem), Buffer.from(lock.signature, 'base64'));
  return good ? { ok: true, lock } : { ok: false, reason: 'lock file signature does not verify' };
}

export function writeLock(file: string, lock: LockFile): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(lock, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Drift between live definitions and the lock: changed, new (unpinned) and gone tools. */
export function diffLock(live: Readonly<Record<string, string>>, lock: LockFile | undefined): { changed: string[]; added: string[]; removed: string[] } {
  const pinned = lock?.tools ?? {};
  return {
    changed: Object.keys(live).filter((k) => pinned[k] !== undefined && pinned[k] !== live[k]).sort(),
    added: Object.keys(live).filter((k) => pinned[k] === undefined).sort(),
    removed: Object.keys(pinned).filter((k) => live[k] === undefined).sort(),
  };
}
