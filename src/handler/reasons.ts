/**
 * Why a connection ended: one discriminated union (tag `type`), and the one function that maps each
 * reason to the close code the peer receives.
 */

/** The callbacks a crash can come from ({@link CrashReason.callback}). */
export type CallbackName =
  'init' | 'websocketInit' | 'websocketHandle' | 'websocketInfo' | 'pipeline';

/**
 * Protocol-level errors detected while reading from the peer: `badencoding`, invalid UTF-8 in a
 * text message or close reason (1007); `badframe`, a frame RFC 6455 forbids (1002); `badsize`, a
 * message over `maxFrameSize` or with too many fragments (1009).
 */
export type ProtocolError = 'badencoding' | 'badframe' | 'badsize';

/** `init` answered with plain HTTP: there was no upgrade. */
export interface NormalReason {
  /** The reason's tag. */
  readonly type: 'normal';
}

/**
 * The peer sent a close frame. `close` is `null` when the frame had no status code (Cowboy's
 * `remote`), otherwise its code and reason (Cowboy's `{remote, Code, Payload}`).
 */
export interface RemoteReason {
  /** The reason's tag. */
  readonly type: 'remote';
  /** The peer's close frame, or `null` if it had no status code. */
  readonly close: {
    /** The close code the peer sent; the server echoes it back. */
    readonly code: number;
    /** The peer's reason text (empty if none). */
    readonly reason: string;
  } | null;
}

/** The handler stopped: `stop(state)` or a close frame among its commands. */
export interface StopReason {
  /** The reason's tag. */
  readonly type: 'stop';
}

/**
 * Nothing was received for `idleTimeout` milliseconds (pings and pongs count; sends and infos do
 * not): the server closes with 1000.
 */
export interface TimeoutReason {
  /** The reason's tag. */
  readonly type: 'timeout';
}

/**
 * A callback threw, rejected, errored or returned something invalid — or `init` timed out or asked
 * for an upgrade the server cannot perform. 1011 after the upgrade; HTTP 500 (503 for a timeout)
 * from `init`.
 */
export interface CrashReason {
  /** The reason's tag. */
  readonly type: 'crash';
  /** Which callback failed. */
  readonly callback: CallbackName;
  /** What it threw or rejected with, or the {@link RodeoError} that describes what was wrong. */
  readonly error: unknown;
}

/**
 * The peer broke the protocol ({@link ProtocolError}), or the transport failed: `closed`, the
 * connection went away without a close frame; `other`, a socket error (its `cause`, e.g. an
 * `ECONNRESET` or a {@link StreamResetError}). Only protocol errors get a close frame.
 */
export type ErrorReason =
  | {
      /** The reason's tag. */
      readonly type: 'error';
      /** What went wrong: a protocol error, or `closed` (no close frame, nothing to send). */
      readonly error: ProtocolError | 'closed';
    }
  | {
      /** The reason's tag. */
      readonly type: 'error';
      /** A transport failure. */
      readonly error: 'other';
      /** The transport's error. */
      readonly cause: unknown;
    };

/**
 * The server is shutting down (rodeo addition): `close()` sends 1001 (going away) to every
 * connection after what its handler already returned.
 */
export interface ShutdownReason {
  /** The reason's tag. */
  readonly type: 'shutdown';
}

/**
 * A queue of the connection passed its bound (rodeo addition): `outbound`, the peer stopped reading
 * and the frames waiting to be written passed `maxQueueBytes`; `mailbox`, more info messages were
 * sent to a busy handler than its mailbox holds, with `mailboxOverflow: 'close'`.
 */
export interface BackpressureReason {
  /** The reason's tag. */
  readonly type: 'backpressure';
  /** Which bound was passed: `outbound` (close code 1008) or `mailbox` (1013). */
  readonly queue: 'outbound' | 'mailbox';
}

/**
 * Every way a connection can end: what `terminate` and the {@link TerminalNotification} carry,
 * one discriminated union on `type`. {@link closeCodeFor} maps each to the close code the peer
 * receives; {@link reasons} builds them.
 */
export type TerminateReason =
  | NormalReason
  | RemoteReason
  | StopReason
  | TimeoutReason
  | CrashReason
  | ErrorReason
  | ShutdownReason
  | BackpressureReason;

/**
 * Constructors for every reason, so code and tests read like Cowboy's terms:
 * `terminal(reasons.remote(1000))`, `reason.type === reasons.timeout.type`.
 */
export const reasons = {
  /** `init` answered plain HTTP ({@link NormalReason}). */
  normal: { type: 'normal' } as NormalReason,
  /** `remote()`: a close without code; `remote(code, reason)`: with one ({@link RemoteReason}). */
  remote(code?: number, reason = ''): RemoteReason {
    return { type: 'remote', close: code === undefined ? null : { code, reason } };
  },
  /** The handler stopped ({@link StopReason}). */
  stop: { type: 'stop' } as StopReason,
  /** The idle timeout passed ({@link TimeoutReason}). */
  timeout: { type: 'timeout' } as TimeoutReason,
  /** `callback` failed with `error` ({@link CrashReason}). */
  crash(callback: CallbackName, error: unknown): CrashReason {
    return { type: 'crash', callback, error };
  },
  /** A protocol error, or `'closed'`: the connection went away without a close frame. */
  error(error: ProtocolError | 'closed'): ErrorReason {
    return { type: 'error', error };
  },
  /** The transport failed with `cause` (`error other`). */
  socketError(cause: unknown): ErrorReason {
    return { type: 'error', error: 'other', cause };
  },
  /** The server is shutting down ({@link ShutdownReason}). */
  shutdown: { type: 'shutdown' } as ShutdownReason,
  /** The outbound queue passed `maxQueueBytes`. */
  backpressure: { type: 'backpressure', queue: 'outbound' } as BackpressureReason,
  /** The info mailbox passed `mailboxLimit` (`mailboxOverflow: 'close'`). */
  mailboxFull: { type: 'backpressure', queue: 'mailbox' } as BackpressureReason,
} as const;

/** Close codes rodeo sends, by name (RFC 6455 §7.4.1). */
export const CloseCodes = {
  /** 1000: the purpose was fulfilled — `stop`, `timeout`. */
  normal: 1000,
  /** 1001: the server is going away — `shutdown`. */
  goingAway: 1001,
  /** 1002: the peer broke the protocol — `error badframe`. */
  protocolError: 1002,
  /** 1005: the close frame had no code. Never on the wire: it stands for an empty close frame. */
  noStatus: 1005,
  /** 1007: a text message or close reason that is not UTF-8 — `error badencoding`. */
  invalidPayload: 1007,
  /** 1008: the peer does not read what it is sent — `backpressure` (outbound). */
  policyViolation: 1008,
  /** 1009: a message over `maxFrameSize`, or too many fragments — `error badsize`. */
  messageTooBig: 1009,
  /** 1011: the handler failed — `crash`. */
  internalError: 1011,
  /** 1013: too many infos for a busy handler — `backpressure` (mailbox). */
  tryAgainLater: 1013,
} as const;

/**
 * The close code the peer receives for a reason: the one mapping from {@link TerminateReason} to
 * the wire, used by the server and by marble tests alike.
 *
 * `null`: no close frame is sent at all (there was no WebSocket, or the transport is gone).
 * `1005` (`CloseCodes.noStatus`, never put on the wire): an empty close frame is sent, echoing a
 * peer's close that had no code. For `stop`, a handler's own close frame overrides the 1000.
 */
export function closeCodeFor(reason: TerminateReason): number | null {
  switch (reason.type) {
    case 'normal':
      return null;
    case 'remote':
      return reason.close === null ? CloseCodes.noStatus : reason.close.code;
    case 'stop':
    case 'timeout':
      return CloseCodes.normal;
    case 'crash':
      return CloseCodes.internalError;
    case 'error':
      return closeCodeForError(reason);
    case 'shutdown':
      return CloseCodes.goingAway;
    case 'backpressure':
      return reason.queue === 'outbound' ? CloseCodes.policyViolation : CloseCodes.tryAgainLater;
    default:
      return unreachable(reason);
  }
}

/**
 * Whether a code may appear in a close frame on the wire (RFC 6455 §7.4 and the IANA registry):
 * 1000–1003, 1007–1014 and 3000–4999.
 */
export function isValidCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) ||
      (code >= 1007 && code <= 1014) ||
      (code >= 3000 && code <= 4999))
  );
}

function closeCodeForError(reason: ErrorReason): number | null {
  switch (reason.error) {
    case 'badencoding':
      return CloseCodes.invalidPayload;
    case 'badframe':
      return CloseCodes.protocolError;
    case 'badsize':
      return CloseCodes.messageTooBig;
    case 'closed':
    case 'other':
      return null;
    default:
      return unreachable(reason);
  }
}

function unreachable(value: never): never {
  throw new TypeError(`unexpected terminate reason: ${JSON.stringify(value)}`);
}
