import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import { ensureDevCertificate, inspectCertificate } from './certs.js';
import type { HttpServerOptions } from './http.js';
import { isLoopbackHost } from './http.js';
import { tlsMinVersion, type TlsSettings } from './tls.js';

/** The edge settings palisade.yaml and the baseline decide; palisade and authenticator are added by the caller. */
export type EdgeSettings = Omit<HttpServerOptions, 'palisade' | 'authenticator' | 'logger' | 'ready' | 'readyDetails'> & {
  /** Things the operator should know at start (development fallbacks). */
  readonly notes: readonly string[];
  readonly devCert: boolean;
};

/** A path from palisade.yaml, resolved against that file's folder (or the working directory). */
export function configPath(loaded: LoadedConfig, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.file ? dirname(loaded.file) : process.cwd(), p);
}

/**
 * Resolves and enforces the transport part of the configuration and baseline:
 * TLS minimum version, mTLS (baseline `transport.mtls` needs `server.tls.client_ca_file`),
 * loopback-only rules for plain HTTP and `auth.mode: none`, and the development
 * certificate for a loopback bind without configured files. Violations are ConfigErrors.
 */
export async function edgeSettingsFromConfig(loaded: LoadedConfig, overrides: { host?: string; port?: number } = {}): Promise<EdgeSettings> {
  const { config, baseline } = loaded;
  const http = config.server.http;
  const host = overrides.host ?? http.host;
  const port = overrides.port ?? http.port;
  const loopback = isLoopbackHost(host);
  const notes: string[] = [];
  if (config.auth.mode === 'none' && !loopback) throw new ConfigError('auth.mode none is for development and only binds a loopback address');
  if (http.insecure_http && !loopback) throw new ConfigError('server.http.insecure_http only binds a loopback address (put a TLS-terminating proxy in front)');

  let tls: TlsSettings | undefined;
  let devCert = false;
  if (!http.insecure_http) {
    const t = config.server.tls;
    let cert: string;
    let key: string;
    if (t.cert_file && t.key_file) {
      cert = configPath(loaded, t.cert_file);
      key = configPath(loaded, t.key_file);
      for (const f of [cert, key]) if (!existsSync(f)) throw new ConfigError(`server.tls: file ${f} does not exist`);
    } else if (t.cert_file || t.key_file) {
      throw new ConfigError('server.tls: cert_file and key_file go together');
    } else if (loopback) {
      const dev = await ensureDevCertificate(loaded.dataDir, { days: baseline.transport.cert_rotation_days });
      ({ cert, key } = dev);
      devCert = true;
      notes.push(`self-signed development certificate ${cert}${dev.created ? ' (created now)' : ''}`);
    } else {
      throw new ConfigError('server.tls.cert_file and key_file are required to bind a non-loopback address');
    }
    const info = inspectCertificate(readFileSync(cert));
    if (!info) throw new ConfigError(`server.tls.cert_file: ${cert} is not a PEM certificate`);
    if (info.daysLeft <= 0) throw new ConfigError(`server.tls.cert_file: ${cert} has expired`);
    const clientCa = t.client_ca_file ? configPath(loaded, t.client_ca_file) : undefined;
    if (clientCa && !existsSync(clientCa)) throw new ConfigError(`server.tls.client_ca_file: file ${clientCa} does not exist`);
    let mtls = baseline.transport.mtls || clientCa !== undefined;
    if (mtls && !clientCa) {
      // The embedded development default carries the seed baseline (mtls: true) but has no client CA:
      // it serves without mTLS on loopback so that `npm start` plus a token works; doctor reports it as FAIL.
      if (!loaded.development) throw new ConfigError(`${loaded.baselineFile}: transport.mtls is true but server.tls.client_ca_file is not set`);
      mtls = false;
      notes.push('mTLS OFF: development default has no client CA (the baseline asks for mTLS; `palisade doctor` reports FAIL)');
    }
    tls = { files: { cert, key, ...(mtls && clientCa && { clientCa }) }, minVersion: tlsMinVersion(baseline), mtls };
  } else {
    notes.push('plain HTTP on loopback (server.http.insecure_http): TLS must be terminated in front');
  }
  return {
    host,
    port,
    ...(tls && { tls }),
    ...(http.public_url !== undefined && { publicUrl: http.public_url }),
    allowedHosts: http.allowed_hosts,
    allowedOrigins: http.allowed_origins,
    bodyLimitBytes: http.body_limit_bytes,
    maxBatch: http.max_batch,
    headersTimeoutMs: http.headers_timeout_ms,
    requestTimeoutMs: http.request_timeout_ms,
    maxSessions: http.max_sessions,
    maxSessionsPerPrincipal: http.max_sessions_per_principal,
    ...(http.max_sessions_per_tenant !== undefined && { maxSessionsPerTenant: http.max_sessions_per_tenant }),
    sessionIdleMs: http.session_idle_ms,
    sseMaxMs: http.sse_max_ms,
    maxConnections: http.max_connections,
    name: config.server.name,
    notes,
    devCert,
  };
}
