import { X509Certificate, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** A PEM certificate and its PKCS#8 private key. */
export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface CertificateRequest {
  readonly commonName: string;
  /** DNS names and IP addresses for the subjectAltName. */
  readonly dns?: readonly string[];
  readonly ips?: readonly string[];
  readonly days: number;
  /** Signs with this CA; self-signed when absent. */
  readonly issuer?: CertPair;
  readonly isCA?: boolean;
  /** `server` (default) or `client` extended key usage. */
  readonly usage?: 'server' | 'client';
  readonly now?: Date;
}

/** An ECDSA P-256 certificate (leaf or CA), self-signed or signed by `issuer`. */
export async function createCertificate(req: CertificateRequest): Promise<CertPair> {
  const now = req.now ?? new Date();
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const sans = [
    ...(req.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(req.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(req.isCA === true, undefined, true),
    new x509.KeyUsagesExtension(req.isCA
      ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature
      : x509.KeyUsageFlags.digitalSignature, true),
    ...(req.isCA ? [] : [new x509.ExtendedKeyUsageExtension([req.usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth])]),
    ...(sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
  ];
  const common = {
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    // Backdated a minute: a client whose clock is slightly behind still accepts a fresh certificate.
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + req.days * DAY_MS - 60_000),
    signingAlgorithm: ALG,
    extensions,
  };
  let cert: x509.X509Certificate;
  if (req.issuer) {
    const ca = new x509.X509Certificate(req.issuer.cert);
    const caKey = await importKey(req.issuer.key);
    cert = await x509.X509CertificateGenerator.create({
      ...common, subject: `CN=${req.commonName}`, issuer: ca.subject, publicKey: keys.publicKey, signingKey: caKey,
    });
  } else {
    cert = await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${req.commonName}`, keys });
  }
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0]!;
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']) as Promise<CryptoKey>;
}

/** Where the development certificate lives. */
export function devCertPaths(dataDir: string): { dir: string; cert: string; key: string } {
  const dir = join(dataDir, 'tls');
  return { dir, cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

/**
 * The development certificate under `<dataDir>/tls/`: created on first start
 * (self-signed, SAN 127.0.0.1, ::1, localhost), reused while it has more than a
 * week left, replaced otherwise. The key file is written 0600.
 */
export async function ensureDevCertificate(dataDir: string, opts: { days?: number; now?: Date } = {}): Promise<{ cert: string; key: string; created: boolean }> {
  const paths = devCertPaths(dataDir);
  const now = opts.now ?? new Date();
  if (existsSync(paths.cert) && existsSync(paths.key)) {
    const info = inspectCertificate(readFileSync(paths.cert, 'utf8'), now);
    if (info && info.notAfter.getTime() - now.getTime() > 7 * DAY_MS) return { cert: paths.cert, key: paths.key, created: false };
  }
  const pair = await createCertificate({
    commonName: 'palisade development', dns: ['localhost'], ips: ['127.0.0.1', '::1'], days: Math.min(opts.days ?? 90, 90), now,
  });
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.key, pair.key, { mode: 0o600 });
  chmodSync(paths.key, 0o600);
  writeFileSync(paths.cert, pair.cert, { mode: 0o644 });
  return { cert: paths.cert, key: paths.key, created: true };
}

/** What doctor and the server need to know about a certificate. */
export interface CertificateInfo {
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly validityDays: number;
  readonly daysLeft: number;
  readonly selfSigned: boolean;
  readonly fingerprint256: string;
}

/** Parses the first certificate of a PEM; undefined when it is not one. */
export function inspectCertificate(pem: string | Buffer, now: Date = new Date()): CertificateInfo | undefined {
  try {
    const c = new X509Certificate(pem);
    const notBefore = new Date(c.validFrom);
    const notAfter = new Date(c.validTo);
    return {
      subject: c.subject,
      notBefore,
      notAfter,
      validityDays: (notAfter.getTime() - notBefore.getTime()) / DAY_MS,
      daysLeft: (notAfter.getTime() - now.getTime()) / DAY_MS,
      selfSigned: c.subject === c.issuer && c.verify(c.publicKey),
      fingerprint256: c.fingerprint256,
    };
  } catch {
    return undefined;
  }
}
