/**
 * rodeo's error registry: every error rodeo raises has a stable `code` (`RODEO_ERR_…`), documented in
 * the README, and — where it ends a connection — the close code the peer receives.
 */

/**
 * Every error code, with the close code it leads to (`null`: it does not close a connection).
 * Codes are stable: match on {@link RodeoError.code}, never on the message.
 */
export const ErrorCodes = {
  /** A callback returned something that is not a call result, or a malformed command. */
  RODEO_ERR_INVALID_RESULT: 1011,
  /** A ping, pong or close frame in a reply carries more than 125 bytes. */
  RODEO_ERR_CONTROL_FRAME_TOO_LARGE: 1011,
  /** A close frame in a reply carries a code that may not be sent (e.g. 1005, 1006, 2000). */
  RODEO_ERR_INVALID_CLOSE_CODE: 1011,
  /** An asynchronous result (Observable) completed without a result. */
  RODEO_ERR_EMPTY_RESULT: 1011,
  /**
   * `init` did not settle within the server's `initTimeout`: the peer gets HTTP 503, `terminate`
   * gets `crash` from `init` with this error, and a later answer of `init` is ignored.
   */
  RODEO_ERR_INIT_TIMEOUT: null,
  /**
   * {@link decodeJson} met a text frame that is not valid JSON (or failed its guard): carried on
   * the {@link JsonDecodeError} it emits, never thrown.
   */
  RODEO_ERR_JSON_DECODE: null,
  /**
   * A server option or route is invalid (thrown by {@link serve}, {@link attach} and the other
   * functions that take options, never on a connection).
   */
  RODEO_ERR_INVALID_OPTION: null,
  /**
   * `init` asked for an upgrade the server cannot perform: a subprotocol the peer did not offer, an
   * invalid response header, out-of-range deflate parameters. The peer gets HTTP 500, `terminate`
   * gets `crash` from `init`.
   */
  RODEO_ERR_INVALID_UPGRADE: null,
  /**
   * `Registry#broadcast` was given a close frame (thrown to the caller; closing is each handler's
   * decision). Other invalid frames throw what they would in a result (`RODEO_ERR_INVALID_RESULT`,
   * `RODEO_ERR_CONTROL_FRAME_TOO_LARGE`).
   */
  RODEO_ERR_INVALID_BROADCAST: null,
  /**
   * The peer reset the HTTP/2 stream that carried the WebSocket (RST_STREAM, which RFC 8441 §5
   * makes the counterpart of a TCP reset): the `cause` of `error other`, with the HTTP/2 code
   * ({@link StreamResetError}).
   */
  RODEO_ERR_STREAM_RESET: null,
  /**
   * An info had to cross to another node and the registry's codec cannot encode it (thrown to the
   * caller of `send`, `publish` or a remote ref's `send`; nothing is delivered).
   */
  RODEO_ERR_INFO_NOT_SERIALIZABLE: null,
  /** `join`, `leave` or `register` was given a connection of another node (only its node may). */
  RODEO_ERR_NOT_LOCAL: null,
  /**
   * {@link "rodeo/redis"!RedisRegistry.connect | RedisRegistry.connect} could not reach Redis
   * within `connectTimeout`.
   */
  RODEO_ERR_REDIS_UNAVAILABLE: null,
} as const;

/** A stable rodeo error code: a key of {@link ErrorCodes}. */
export type ErrorCode = keyof typeof ErrorCodes;

/**
 * Every error rodeo throws or reports: a stable {@link ErrorCode} to match on, and the close code
 * it leads to. It reaches `terminate` inside a `crash` reason, the `onError` reporters, and the
 * callers of functions that refuse their arguments.
 *
 * ```ts
 * if (reason.type === 'crash' && reason.error instanceof RodeoError) log(reason.error.code);
 * ```
 */
export class RodeoError extends Error {
  /**
   * Always `'RodeoError'`, subclasses such as {@link StreamResetError} included: tell errors apart
   * by {@link RodeoError.code} (or `instanceof`).
   */
  override readonly name = 'RodeoError';
  /** The stable code: what happened, for programs. */
  readonly code: ErrorCode;
  /**
   * The close code the peer receives when this error ends a connection (1011 for a handler's
   * mistake), or `null` when it does not close one ({@link ErrorCodes} lists both).
   */
  readonly closeCode: number | null;

  /**
   * @param code The stable code; also picks {@link RodeoError.closeCode}.
   * @param message What went wrong, for people.
   * @param options `cause`: the underlying error, if any.
   */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.closeCode = ErrorCodes[code];
  }
}
