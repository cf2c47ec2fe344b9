import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { PACKAGE_ROOT } from '../version.js';

/** The CLI entry point of this installation, as an absolute path. */
export const BIN_PATH = resolve(PACKAGE_ROOT, 'bin', 'palisade.js');

/** How a desktop host starts Palisade over stdio: absolute paths only, nothing fetched from a registry. */
export interface StdioLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The launch line for this installation and configuration. Absolute node and
 * script paths, because hosts start servers from `/` with a minimal PATH; an
 * absolute data directory, because `./.palisade` under `/` is not writable.
 * Never an npx launch of the bare name: that npm name belongs to someone else.
 * REDIS_URL is left out on purpose: it may carry a password.
 */
export function stdioLaunch(loaded: Pick<LoadedConfig, 'dataDir' | 'file'>, node: string = process.execPath): StdioLaunch {
  return {
    command: node,
    args: [BIN_PATH, 'serve', '--stdio'],
    env: {
      PALISADE_DATA_DIR: resolve(loaded.dataDir),
      ...(loaded.file !== undefined && { PALISADE_CONFIG: resolve(loaded.file) }),
    },
  };
}

/** The `mcpServers` entry (Claude Desktop, Cursor), as one line of JSON. */
export function mcpServersSnippet(name: string, launch: StdioLaunch): string {
  return JSON.stringify({ mcpServers: { [name]: { command: launch.command, args: launch.args, env: launch.env } } });
}
