/**
 * Why a connection ended: one discriminated union (tag `type`), and the one function that maps each
 * reason to the close code the peer receives.
 */

/** The callbacks a crash can come from. */
export type CallbackName =
  'init' | 'websocketInit' | 'websocketHandle' | 'websocketInfo' | 'pipeline';

/** Protocol-level errors detected while reading from the peer. */
export type ProtocolError = 'badencoding' | 'badframe' | 'badsize';

/** `init` answered with plain HTTP: there was no upgrade. */
export interface NormalReason {
  readonly type: 'normal';
}

/**
 * The peer sent a close frame. `close` is `null` when the frame had no status code (Cowboy's
 * `remote`), otherwise its code and reason (Cowboy's `{remote, Code, Payload}`).
 */
export interface RemoteReason {
  readonly type: 'remote';
  readonly close: { readonly code: number; readonly reason: string } | null;
}

/** The handler stopped: `stop(state)` or a close frame among its commands. */
export interface StopReason {
  readonly type: 'stop';
}

/** Nothing was received for `idleTimeout` milliseconds. */
export interface TimeoutReason {
  readonly type: 'timeout';
}

/** A callback threw, rejected, errored or returned something invalid. */
export interface CrashReason {
  readonly type: 'crash';
  readonly callback: CallbackName;
  readonly error: unknown;
}

/** The peer broke the protocol, or the transport failed. */
export type ErrorReason =
  | { readonly type: 'error'; readonly error: ProtocolError | 'closed' }
  | { readonly type: 'error'; readonly error: 'other'; readonly cause: unknown };

/** The server is shutting down (rodeo addition). */
export interface ShutdownReason {
  readonly type: 'shutdown';
}

/**
 * A queue of the connection passed its bound (rodeo addition): `outbound`, the peer stopped reading
 * and the frames waiting to be written passed `maxQueueBytes`; `mailbox`, more info messages were
 * sent to a busy handler than its mailbox holds, with `mailboxOverflow: 'close'`.
 */
export interface BackpressureReason {
  readonly type: 'backpressure';
  readonly queue: 'outbound' | 'mailbox';
}

/** Every way a connection can end. */
export type TerminateReason =
  | NormalReason
  | RemoteReason
  | StopReason
  | TimeoutReason
  | CrashReason
  | ErrorReason
  | ShutdownReason
  | BackpressureReason;

/** Constructors for every reason, so code and tests read like Cowboy's terms. */
export const reasons = {
  normal: { type: 'normal' } as NormalReason,
  /** `remote()`: a close without code; `remote(code, reason)`: with one. */
  remote(code?: number, reason = ''): RemoteReason {
    return { type: 'remote', close: code === undefined ? null : { code, reason } };
  },
  stop: { type: 'stop' } as StopReason,
  timeout: { type: 'timeout' } as TimeoutReason,
  crash(callback: CallbackName, error: unknown): CrashReason {
    return { type: 'crash', callback, error };
  },
  error(error: ProtocolError | 'closed'): ErrorReason {
    return { type: 'error', error };
  },
  socketError(cause: unknown): ErrorReason {
    return { type: 'error', error: 'other', cause };
  },
  shutdown: { type: 'shutdown' } as ShutdownReason,
  /** The outbound queue passed `maxQueueBytes`. */
  backpressure: { type: 'backpressure', queue: 'outbound' } as BackpressureReason,
  /** The info mailbox passed `mailboxLimit` (`mailboxOverflow: 'close'`). */
  mailboxFull: { type: 'backpressure', queue: 'mailbox' } as BackpressureReason,
} as const;

/** Close codes rodeo sends, by name (RFC 6455 §7.4.1). */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  noStatus: 1005,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

/**
 * The close code the peer receives for a reason.
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
