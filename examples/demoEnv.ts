/**
 * The demo's settings from environment variables, checked before anything starts: a typo must stop
 * the demo with a message, not quietly run it with a default (or expose it).
 */
import { readFileSync } from 'node:fs';
import type { DemoTls } from './demoHttp.js';
import { DEFAULT_IDLE_TIMEOUT, defaultKeepalive, type DemoOptions } from './demoServer.js';
import { SELF, parseOrigins } from './origins.js';

/** Largest integer the variables take (`Number.MAX_SAFE_INTEGER`). */
const MAX_INTEGER = 2 ** 53 - 1;

/** `KEEPALIVE` values that turn keepalive pings off. */
const OFF = new Set(['0', 'off']);

/** An environment variable the demo cannot use. */
export class DemoEnvError extends Error {
  override readonly name = 'DemoEnvError';

  constructor(
    /** The variable's name. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** The environment as `process.env` has it. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads `PORT`, `HOST`, `ALLOWED_ORIGINS`, `IDLE_TIMEOUT`, `KEEPALIVE`, `MAX_CONNECTIONS`,
 * `ECHO_MAX_FRAME_SIZE` (unset or empty: the default), and `TLS_CERT` with `TLS_KEY` (paths of PEM
 * files, read now: both, or neither for plain HTTP).
 *
 * @param env The environment.
 * @return The demo's options.
 * @throws DemoEnvError for the first variable that is set to something unusable.
 */
export function demoOptionsFromEnv(env: Env): DemoOptions {
  const idleTimeout = integer(env, 'IDLE_TIMEOUT', 1, MAX_INTEGER) ?? DEFAULT_IDLE_TIMEOUT;
  const keepalive = OFF.has(value(env, 'KEEPALIVE')?.toLowerCase() ?? '')
    ? Infinity
    : (integer(env, 'KEEPALIVE', 1, MAX_INTEGER) ?? defaultKeepalive(idleTimeout));
  if (Number.isFinite(keepalive) && keepalive >= idleTimeout) {
    throw new DemoEnvError(
      'KEEPALIVE',
      `KEEPALIVE (${keepalive} ms) must be shorter than IDLE_TIMEOUT (${idleTimeout} ms), ` +
        'or "off": a ping after the idle timeout comes too late to keep a connection',
    );
  }
  return {
    port: integer(env, 'PORT', 0, 65_535) ?? 8080,
    host: value(env, 'HOST') ?? '127.0.0.1',
    allowedOrigins: origins(env, 'ALLOWED_ORIGINS') ?? [SELF],
    idleTimeout,
    keepalive,
    maxConnections: integer(env, 'MAX_CONNECTIONS', 1, 1_000_000),
    echoMaxFrameSize: integer(env, 'ECHO_MAX_FRAME_SIZE', 1, MAX_INTEGER),
    tls: certificate(env),
  };
}

/** How the demo scales out: a Redis shared by several processes, and workers on one port. */
export interface DemoScale {
  /** `REDIS_URL`: use `RedisRegistry` there (one chat across every demo using this Redis). */
  readonly redisUrl: string | undefined;
  /** `WORKERS`: this many `node:cluster` workers share `PORT` (needs `REDIS_URL`). */
  readonly workers: number | undefined;
}

/**
 * Reads `REDIS_URL` (`redis://…` or `rediss://…`) and `WORKERS` (1 to 256; only with `REDIS_URL`,
 * since workers without a shared registry could not chat with each other).
 *
 * @throws DemoEnvError for a value it cannot use.
 */
export function scaleFromEnv(env: Env): DemoScale {
  const redisUrl = value(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new DemoEnvError(
      'REDIS_URL',
      `REDIS_URL must be redis://… or rediss://…, got ${JSON.stringify(redisUrl)}`,
    );
  }
  const workers = integer(env, 'WORKERS', 1, 256);
  if (workers !== undefined && redisUrl === undefined) {
    throw new DemoEnvError(
      'WORKERS',
      'WORKERS needs REDIS_URL: workers share the chat through Redis',
    );
  }
  return { redisUrl, workers };
}

function certificate(env: Env): DemoTls | undefined {
  const cert = value(env, 'TLS_CERT');
  const key = value(env, 'TLS_KEY');
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    const missing = cert === undefined ? 'TLS_CERT' : 'TLS_KEY';
    throw new DemoEnvError(
      missing,
      `${missing} must be set too: TLS needs both TLS_CERT and TLS_KEY`,
    );
  }
  return { cert: pem(cert, 'TLS_CERT'), key: pem(key, 'TLS_KEY') };
}

function pem(path: string, name: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DemoEnvError(name, `${name}: cannot read ${path} (${(err as Error).message})`);
  }
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const parsed = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
  const range = max >= MAX_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  throw new DemoEnvError(name, `${name} must be an integer ${range}, got ${JSON.stringify(raw)}`);
}

function origins(env: Env, name: string): readonly string[] | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const parsed = parseOrigins(raw);
  if ('origins' in parsed) return parsed.origins;
  throw new DemoEnvError(
    name,
    `${name} must list origins such as https://chat.example (scheme://host[:port], no path), ` +
      `"self" or "*", separated by commas; ${JSON.stringify(parsed.invalid)} is none of those`,
  );
}
