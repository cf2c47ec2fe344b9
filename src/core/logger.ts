/**
 * The one logger shape everything in Palisade writes to (pino satisfies it).
 * Log objects carry names, codes and ids, never argument values or tokens.
 */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
