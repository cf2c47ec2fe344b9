import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { sha256 } from './canonical.js';

/** The signing half of the audit key and its public identity. */
export interface AuditSigner {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** First 16 hex of SHA-256 over the SPKI DER: short, stable, printed by verify. */
  readonly keyId: string;
  /** SPKI DER, base64: how records carry a public key. */
  readonly spki: string;
}

export function signerFrom(privateKey: KeyObject): AuditSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('the audit signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, keyId: keyIdOf(der), spki: der.toString('base64') };
}

export function keyIdOf(spkiDer: Buffer): string {
  return sha256(spkiDer.toString('base64')).slice(0, 16);
}

/** A public key from SPKI DER base64 (records) or PEM (files). */
export function publicKeyFrom(text: string): { key: KeyObject; keyId: string } {
  const key = text.includes('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('audit keys are Ed25519');
  return { key, keyId: keyIdOf(key.export({ type: 'spki', format: 'der' })) };
}

export function publicPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Ed25519 over the record hash (hex -> bytes), base64url. */
export function signHash(hash: string, key: KeyObject): string {
  return sign(null, Buffer.from(hash, 'hex'), key).toString('base64url');
}

export function verifyHash(hash: string, sig: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(hash, 'hex'), key, Buffer.from(sig, 'base64url'));
  } catch {
    return false;
  }
}

/** Where the audit keys come from: a secret by name, or (development) a file generated on first use. */
export interface KeySource {
  get(name: string): Promise<string>;
}

export const SIGNING_SECRET = 'audit-ed25519';
export const HMAC_SECRET = 'audit-hmac';

/**
 * The audit signing key (PEM, secret `audit-ed25519`) and HMAC key (secret `audit-hmac`).
 * Outside production a missing secret is generated into `<dataDir>/keys/` (mode 0600,
 * the data directory is never committed); in production a missing secret stops start-up.
 */
export async function loadAuditKeys(options: { dataDir: string; secrets?: KeySource; production: boolean }): Promise<{ signer: AuditSigner; hmacKey: Buffer }> {
  const fromSecret = async (name: string) => {
    try { return await options.secrets?.get(name); } catch { return undefined; }
  };
  let pem = await fromSecret(SIGNING_SECRET);
  let hmac = await fromSecret(HMAC_SECRET);
  if ((!pem || !hmac) && options.production) {
    throw new ConfigError(`audit: secret ${!pem ? SIGNING_SECRET : HMAC_SECRET} is required in production (Ed25519 PEM / base64 HMAC key from the secrets provider)`);
  }
  const dir = join(options.dataDir, 'keys');
  pem ??= devFile(dir, 'audit-ed25519.pem', () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  hmac ??= devFile(dir, 'audit-hmac.key', () => randomBytes(32).toString('base64'));
  const hmacKey = Buffer.from(hmac.trim(), 'base64');
  if (hmacKey.length < 16) throw new Error(`audit: secret ${HMAC_SECRET} must hold at least 16 bytes (base64)`);
  return { signer: signerFrom(createPrivateKey(pem)), hmacKey };
}

function devFile(dir: string, name: string, make: () => string): string {
  const file = join(dir, name);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch {
      // Another process created it first: use theirs.
    }
    return readFileSync(file, 'utf8');
  }
}
