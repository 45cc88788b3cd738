/**
 * The logger rodeo writes to: any pino-style object (`pino`, `console`-like adapters). Silent unless
 * one is given, because a library must not print on its own.
 */

/**
 * One log method: a structured object first (`id`, `path`, `reason`, `err`, …), an optional
 * message second (pino's order).
 */
export type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/**
 * A pino-style logger: `pino()` itself fits, and so does a small adapter over `console`. rodeo
 * logs structured objects (connection id, path, reason) and never lets a throwing logger break a
 * connection.
 */
export interface Logger {
  /** Per-connection detail: opened, hibernated, terminated (with its reason), socket closed. */
  readonly debug: LogFn;
  /** A process's life: a cluster worker listening, Redis reachable again. */
  readonly info: LogFn;
  /** Handled trouble: a connection that ended in a crash, Redis unreachable, a worker died. */
  readonly warn: LogFn;
  /** Failures: a handler error, a `terminate` that threw, an upgrade that failed. */
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
