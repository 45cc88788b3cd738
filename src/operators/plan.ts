import { RodeoError } from '../handler/errors.js';
import type {
  DeflateOptions,
  MailboxOverflow,
  UpgradeOptions,
  UpgradeResult,
} from '../handler/handler.js';
import { headerList, type HeaderFields, type UpgradeRequest } from '../handler/request.js';

/**
 * Planning a connection from `init`'s answer: every option checked and every default filled in,
 * in one function that the server and `rodeo/testing` both use, so a marble test runs a handler
 * exactly as the server would. A bad option is `init`'s error (`RODEO_ERR_INVALID_UPGRADE`: HTTP
 * 500 on a server, `crash` from `init` for `terminate`), never a silent default.
 */

/** Default {@link UpgradeOptions.idleTimeout}: 60 000 ms, Cowboy's. */
export const DEFAULT_IDLE_TIMEOUT = 60_000;
/** Default {@link UpgradeOptions.keepalive}: `Infinity`, pings are off unless asked for. */
export const DEFAULT_KEEPALIVE = Infinity;
/**
 * Default {@link UpgradeOptions.maxFrameSize}: 1 MiB (Cowboy's `max_frame_size` is unlimited;
 * ws's 100 MiB), so one peer cannot make the server hold a huge message.
 */
export const DEFAULT_MAX_FRAME_SIZE = 1024 * 1024;
/** Default {@link UpgradeOptions.readHighWater}: 1 MiB of frames waiting before reading stops. */
export const DEFAULT_READ_HIGH_WATER = 1024 * 1024;
/** Default {@link UpgradeOptions.mailboxLimit}: 10 000 infos waiting for a busy handler. */
export const DEFAULT_MAILBOX_LIMIT = 10_000;
/** Default {@link UpgradeOptions.mailboxOverflow}: `'drop'`, one more info is refused. */
export const DEFAULT_MAILBOX_OVERFLOW: MailboxOverflow = 'drop';

/** A connection as `init` asked for it, checked, with defaults. */
export interface ConnectionPlan<S> {
  readonly state: S;
  /** The request after `reqFilter`: what `ctx.req` and `terminate` get. */
  readonly req: UpgradeRequest;
  readonly idleTimeout: number;
  readonly keepalive: number;
  readonly maxFrameSize: number;
  readonly readHighWater: number;
  readonly mailboxLimit: number;
  readonly mailboxOverflow: MailboxOverflow;
  /** The permessage-deflate parameters to offer, or `false`. */
  readonly compress: DeflateOptions | false;
  readonly validateUtf8: boolean;
  /** The subprotocol, one the peer offered, or `null`. */
  readonly protocol: string | null;
  /** Extra response headers, one `[name, value]` per line. */
  readonly headers: readonly (readonly [string, string])[];
}

type OptionError = 'RODEO_ERR_INVALID_OPTION' | 'RODEO_ERR_INVALID_UPGRADE';

const UPGRADE: OptionError = 'RODEO_ERR_INVALID_UPGRADE';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Checks `init`'s upgrade against the request and fills in defaults; throws
 * `RODEO_ERR_INVALID_UPGRADE` for anything that cannot be honoured.
 */
export function planConnection<S>(
  result: UpgradeResult<S>,
  req: UpgradeRequest,
): ConnectionPlan<S> {
  const options: UpgradeOptions = result.options;
  const mailboxOverflow = options.mailboxOverflow ?? DEFAULT_MAILBOX_OVERFLOW;
  if (mailboxOverflow !== 'drop' && mailboxOverflow !== 'close') {
    throw new RodeoError(UPGRADE, `mailboxOverflow must be 'drop' or 'close'`);
  }
  const compress = options.compress === true ? {} : options.compress || false;
  if (compress !== false) checkDeflateOptions(compress);
  const protocol = options.protocol ?? null;
  if (protocol !== null && !offered(req, protocol)) {
    throw new RodeoError(UPGRADE, `subprotocol "${protocol}" was not offered by the peer`);
  }
  return {
    state: result.state,
    req: options.reqFilter === undefined ? req : options.reqFilter(req),
    idleTimeout: checkDuration(UPGRADE, 'idleTimeout', options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT),
    keepalive: checkInterval(options.keepalive ?? DEFAULT_KEEPALIVE),
    maxFrameSize: checkSize(
      UPGRADE,
      'maxFrameSize',
      options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    ),
    readHighWater: checkSize(
      UPGRADE,
      'readHighWater',
      options.readHighWater ?? DEFAULT_READ_HIGH_WATER,
    ),
    mailboxLimit: checkSize(UPGRADE, 'mailboxLimit', options.mailboxLimit ?? DEFAULT_MAILBOX_LIMIT),
    mailboxOverflow,
    compress,
    validateUtf8: options.validateUtf8 ?? true,
    protocol,
    headers: headerLines(UPGRADE, options.headers ?? {}),
  };
}

/** Throws `code` unless `value` is a positive integer (or `Infinity` when allowed). */
export function checkSize(
  code: OptionError,
  name: string,
  value: number,
  allowInfinity = true,
): number {
  const valid =
    (typeof value === 'number' && Number.isInteger(value) && value > 0) ||
    (allowInfinity && value === Infinity);
  if (!valid)
    throw new RodeoError(code, `${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** Throws `code` unless `value` is a non-negative number of milliseconds or `Infinity`. */
export function checkDuration(code: OptionError, name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new RodeoError(code, `${name} must be ≥ 0 milliseconds, got ${String(value)}`);
  }
  return value;
}

/** A keepalive interval: more than 0 ms (a ping every timer tick is never meant), or `Infinity`. */
function checkInterval(value: number): number {
  if (checkDuration(UPGRADE, 'keepalive', value) === 0) {
    throw new RodeoError(UPGRADE, 'keepalive must be > 0 milliseconds (Infinity: no pings)');
  }
  return value;
}

/** Checks RFC 7692 and zlib ranges; a bad value is init's error (500), not a silent default. */
export function checkDeflateOptions(options: DeflateOptions): void {
  for (const name of ['serverMaxWindowBits', 'clientMaxWindowBits'] as const) {
    const bits = options[name];
    if (bits !== undefined && !(Number.isInteger(bits) && bits >= 8 && bits <= 15)) {
      throw new RodeoError(UPGRADE, `${name} must be an integer 8–15`);
    }
  }
  const { level, threshold } = options;
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) {
    throw new RodeoError(UPGRADE, 'level must be an integer 0–9');
  }
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= 0)) {
    throw new RodeoError(UPGRADE, 'threshold must be a number ≥ 0');
  }
}

/**
 * Headers as `[name, value]` lines, each checked as HTTP allows (a token name; a value without
 * CR, LF or other control characters), so nothing can be injected into a response.
 */
export function headerLines(
  code: OptionError | 'RODEO_ERR_INVALID_RESULT',
  headers: HeaderFields,
): [string, string][] {
  const lines: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!TOKEN.test(name))
      throw new RodeoError(code, `invalid header name ${JSON.stringify(name)}`);
    for (const one of typeof value === 'string' ? [value] : value) {
      const text = String(one);
      if (!HEADER_VALUE.test(text)) {
        throw new RodeoError(code, `invalid value for header ${name}`);
      }
      lines.push([name, text]);
    }
  }
  return lines;
}

function offered(req: UpgradeRequest, protocol: string): boolean {
  return headerList(req.headers['sec-websocket-protocol']).includes(protocol);
}
