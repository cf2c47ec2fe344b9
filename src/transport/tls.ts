import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type SecureVersion, type TlsOptions } from 'node:tls';
import type { Server as TlsServer } from 'node:tls';
import type { Baseline } from '../config/baseline.js';

/** Files of the server's TLS identity; `clientCa` turns mTLS on. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  /** CA bundle that client certificates must chain to (mTLS). */
  readonly clientCa?: string;
}

export interface TlsSettings {
  readonly files: TlsFiles;
  readonly minVersion: SecureVersion;
  /** Require and verify a client certificate against `files.clientCa`. */
  readonly mtls: boolean;
}

/** `transport.tls_min_version` of the baseline ("1.2" | "1.3") as Node's name. */
export function tlsMinVersion(baseline: Baseline): SecureVersion {
  return baseline.transport.tls_min_version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
}

function readPair(files: TlsFiles): SecureContextOptions {
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ...(files.clientCa !== undefined && { ca: readFileSync(files.clientCa) }),
  };
}

/**
 * Options for `https.createServer`. The pair is validated here (a mismatched
 * key and certificate throws) so that a bad file stops start-up, not a handshake.
 */
export function tlsServerOptions(s: TlsSettings): TlsOptions {
  const material = readPair(s.files);
  createSecureContext({ ...material, minVersion: s.minVersion });
  return {
    ...material,
    minVersion: s.minVersion,
    // mTLS: the handshake itself fails without a certificate that chains to the client CA.
    requestCert: s.mtls,
    rejectUnauthorized: s.mtls,
    handshakeTimeout: 10_000,
    // Renegotiation is a CPU lever for a client; TLS 1.3 has none, 1.2 is capped by Node too.
    honorCipherOrder: true,
  };
}

export interface TlsReloader {
  /** Re-reads the files now; returns false (old pair kept) when they are unreadable or mismatched. */
  reload(): boolean;
  stop(): void;
}

/**
 * Watches the certificate, key and client CA files (stat polling, which also
 * sees atomic renames and Kubernetes secret symlink swaps) and installs a new
 * secure context when they change: new connections get the new pair, open
 * connections keep theirs. A half-written or mismatched pair is ignored until
 * the next change, so a rotation in two steps never takes the server down.
 */
export function watchTls(server: TlsServer, s: TlsSettings, opts: { intervalMs?: number; onReload?: (ok: boolean, err?: Error) => void } = {}): TlsReloader {
  const reload = (): boolean => {
    try {
      const material = readPair(s.files);
      // Validate first: setSecureContext with a bad pair would break new handshakes.
      createSecureContext({ ...material, minVersion: s.minVersion });
      server.setSecureContext({ ...material, minVersion: s.minVersion });
      opts.onReload?.(true);
      return true;
    } catch (err) {
      opts.onReload?.(false, err as Error);
      return false;
    }
  };
  const files = [s.files.cert, s.files.key, ...(s.files.clientCa !== undefined ? [s.files.clientCa] : [])];
  const listener = (cur: { mtimeMs: number; size: number; ino: number }, prev: { mtimeMs: number; size: number; ino: number }) => {
    if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) reload();
  };
  const interval = opts.intervalMs ?? 2000;
  for (const f of files) watchFile(f, { interval, persistent: false }, listener);
  return {
    reload,
    stop() {
      for (const f of files) unwatchFile(f, listener);
    },
  };
}
