import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Recorder } from '../core/record.js';
import type { Tool } from '../core/tool.js';
import type { Logger } from '../core/logger.js';
import type { SecretsProvider } from '../secrets/index.js';
import { loadAuditKeys } from './keys.js';
import { ChainBusyError } from './lock.js';
import { auditRecorder, withAuditIntent } from './recorder.js';
import { openAuditLog, type AuditLog } from './writer.js';

/** The running server's audit: its chain, the recorder, and the intent wrapper for write tools. */
export interface InstanceAudit {
  readonly log: AuditLog;
  readonly recorder: Recorder;
  /** Write tools write an intent record before they run (fail closed). */
  wrap(tool: Tool): Tool;
  close(): Promise<void>;
}

const INSTANCE = /^[A-Za-z0-9_.-]{1,64}$/;

/** The instance id: PALISADE_INSTANCE_ID, else the host name (sanitised). */
export function instanceId(env: NodeJS.ProcessEnv = process.env): string {
  const given = env['PALISADE_INSTANCE_ID'];
  if (given !== undefined) {
    if (!INSTANCE.test(given)) throw new TypeError('PALISADE_INSTANCE_ID: [A-Za-z0-9_.-], 1 to 64 characters');
    return given;
  }
  return hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 48) || 'palisade';
}

/**
 * Opens `<data dir>/audit/<instance>` with `audit.*` from the config. When another live
 * process holds that chain (two servers on one host and data dir), the next free
 * `<instance>-2`, `-3`, ... is used: each writer keeps its own chain.
 */
export async function openInstanceAudit(loaded: LoadedConfig, options: { secrets?: SecretsProvider; env?: NodeJS.ProcessEnv; logger?: Logger } = {}): Promise<InstanceAudit> {
  const env = options.env ?? process.env;
  const { audit } = loaded.config;
  const keys = await loadAuditKeys({ dataDir: loaded.dataDir, ...(options.secrets && { secrets: options.secrets }), production: env['NODE_ENV'] === 'production' });
  const base = instanceId(env);
  let log: AuditLog | undefined;
  for (let n = 1; !log; n++) {
    const instance = n === 1 ? base : `${base}-${n}`;
    try {
      log = openAuditLog({
        dir: join(loaded.dataDir, 'audit', instance),
        instance,
        signer: keys.signer,
        checkpointEvery: audit.checkpoint_every,
        checkpointSeconds: audit.checkpoint_seconds,
        fsync: audit.fsync,
        onError: (err) => options.logger?.error({ err: `${err.name}: ${err.message}` }, 'audit write failed; write tools now fail closed'),
      });
    } catch (err) {
      if (!(err instanceof ChainBusyError) || n >= 32) throw err;
    }
  }
  const opened = log;
  return {
    log: opened,
    recorder: auditRecorder(opened, { hmacKey: keys.hmacKey }),
    wrap: (tool) => withAuditIntent(tool, opened, { hmacKey: keys.hmacKey }),
    close: () => opened.close(),
  };
}
