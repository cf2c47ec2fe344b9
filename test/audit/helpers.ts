import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonical, sha256 } from '../../src/audit/canonical.js';
import { signerFrom, type AuditSigner } from '../../src/audit/keys.js';
import type { CallFields } from '../../src/audit/types.js';
import { openAuditLog, type AuditLogOptions } from '../../src/audit/writer.js';

export const newSigner = (): AuditSigner => signerFrom(generateKeyPairSync('ed25519').privateKey);

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'palisade-audit-'));
}

export function call(i: number, extra: Partial<CallFields> = {}): CallFields {
  return {
    kind: 'call', traceId: `trace-${i % 50}`, spanId: 'b7ad6b7169203331', actor: { id: 'agent:dev', type: 'agent' },
    tenant: 'acme', tool: 'orders.get', argsHmac: sha256(String(i)), args: { id: `ord-${i}` },
    decision: i % 7 ? 'allow' : 'deny', ...(i % 7 ? {} : { code: 'POLICY_DENY', stage: 'policy' }), result: sha256(`r${i}`), ...extra,
  };
}

/** Writes `n` call records to `<root>/<instance>` and closes the chain cleanly. */
export async function writeChain(root: string, n: number, options: Partial<AuditLogOptions> = {}): Promise<string> {
  const instance = options.instance ?? 'node-a';
  const dir = join(root, instance);
  const log = openAuditLog({ dir, instance, signer: options.signer ?? newSigner(), checkpointEvery: 100, ...options });
  for (let i = 0; i < n; i++) log.append(call(i));
  await log.close();
  return dir;
}

export function copyChain(dir: string): string {
  const to = join(tempRoot(), 'copy');
  cpSync(dir, to, { recursive: true });
  return to;
}

export function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length);
}

export function writeLines(file: string, ls: string[]): void {
  writeFileSync(file, ls.map((l) => `${l}\n`).join(''));
}

/** A well-formed record (right seq, prev and hash) that the writer never wrote. */
export function forge(prevLine: string, fields: Record<string, unknown>, sig?: string): string {
  const prev = JSON.parse(prevLine) as { seq: number; hash: string; instance: string };
  const body = { v: 1, seq: prev.seq + 1, time: new Date().toISOString(), instance: prev.instance, prev: prev.hash, ...fields };
  return JSON.stringify({ ...body, hash: sha256(canonical(body)), ...(sig && { sig }) });
}

export function seqIndex(ls: string[], seq: number): number {
  const i = ls.findIndex((l) => (JSON.parse(l) as { seq: number }).seq === seq);
  if (i < 0) throw new Error(`seq ${seq} not in file`);
  return i;
}
