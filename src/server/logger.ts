/**
 * The logger rodeo writes to: any pino-style object (`pino`, `console`-like adapters). Silent unless
 * one is given, because a library must not print on its own.
 */

/** One log method: a structured object first, an optional message second (pino's order). */
export type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/** A pino-style logger. */
export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

const noop: LogFn = () => undefined;

/** The default logger: drops everything. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});

/**
 * Calls a log method without letting a faulty logger break a connection: logging is never worth
 * a crash.
 */
export function safeLog(
  logger: Logger,
  level: keyof Logger,
  obj: Record<string, unknown>,
  msg: string,
): void {
  try {
    logger[level](obj, msg);
  } catch {
    // A throwing logger must not take the connection (or the process) down with it.
  }
}
