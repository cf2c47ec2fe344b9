import { parseArgs } from 'node:util';
import { loadOrCreateDevIssuer, resourceUri } from '../auth/index.js';
import { loadConfig } from '../config/load.js';
import { isRegionId, isSubjectId, isTenantId } from '../core/keys.js';
import { DEV_PRINCIPAL } from '../runtime.js';
import { UsageError } from './main.js';

const SCOPE = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * `palisade token [--config FILE] [--host H] [--port P] [--aud URL] [--sub S] [--tenant T] [--region R] [--scope S ...] [--ttl SECONDS]`
 * The audience is the resource URI of the server `serve` would start with the same
 * --config/--host/--port (or `server.http.public_url`), unless --aud names one.
 * Mints a token from the development issuer and prints it alone on stdout, so that
 * `$(palisade token ...)` works. Refused when NODE_ENV=production.
 */
export async function token(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sub: { type: 'string' }, tenant: { type: 'string' }, region: { type: 'string' },
      scope: { type: 'string', multiple: true }, ttl: { type: 'string' }, aud: { type: 'string' },
      actor: { type: 'string' }, config: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (process.env['NODE_ENV'] === 'production') throw new UsageError('the development issuer is disabled when NODE_ENV=production; use your identity provider');
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  const overrides = hostPort(values.host, values.port);
  if (values.aud !== undefined && (values.host !== undefined || values.port !== undefined)) throw new UsageError('give --aud, or --host/--port, not both');
  const max = loaded.baseline.auth.max_ttl_seconds;
  const ttl = values.ttl === undefined ? Math.min(600, max) : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1) throw new UsageError('--ttl must be a whole number of seconds');
  if (ttl > max) throw new UsageError(`--ttl ${ttl} exceeds the baseline's auth.max_ttl_seconds (${max})`);
  const scopes = (values.scope ?? [...DEV_PRINCIPAL.grants]).flatMap((s) => s.split(/[ ,]+/)).filter(Boolean);
  for (const s of scopes) {
    if (s.includes('*')) throw new UsageError('wildcard scopes are not allowed; name each purpose grant');
    if (!SCOPE.test(s)) throw new UsageError('a scope may hold letters, digits and _ . : - only');
  }
  // The verifier refuses these anyway; say so here instead of minting a token that cannot work.
  if (values.sub !== undefined && !isSubjectId(values.sub)) throw new UsageError('--sub may hold letters, digits and _ . : @ + = / - only');
  if (values.tenant !== undefined && !isTenantId(values.tenant)) throw new UsageError('--tenant may hold letters, digits and _ . - only');
  if (values.region !== undefined && !isRegionId(values.region)) throw new UsageError('--region may hold lower-case letters, digits and - only');
  const issuer = await loadOrCreateDevIssuer(loaded.dataDir);
  const jwt = await issuer.mint({
    sub: values.sub ?? DEV_PRINCIPAL.id,
    tenant: values.tenant ?? DEV_PRINCIPAL.tenant,
    region: values.region ?? DEV_PRINCIPAL.region,
    scopes,
    ttlSeconds: ttl,
    audience: values.aud ?? resourceUri(loaded, overrides),
    ...(values.actor !== undefined && { actorType: values.actor }),
  });
  process.stdout.write(`${jwt}\n`);
  return 0;
}

/** `--host`/`--port` as `serve` takes them: the same checks, the same meaning. */
export function hostPort(host: string | undefined, port: string | undefined): { host?: string; port?: number } {
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) throw new UsageError('--port must be a number 0..65535');
  if (host !== undefined && !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) throw new UsageError('--host must be a host name or IP address');
  return { ...(host !== undefined && { host: host.replace(/^\[|\]$/g, '') }), ...(port !== undefined && { port: Number(port) }) };
}
