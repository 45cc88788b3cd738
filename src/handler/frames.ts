/**
 * WebSocket frames as plain data: what a handler receives and what it asks to send.
 *
 * Text payloads are strings (already UTF-8 decoded and validated); binary and control payloads are
 * `Uint8Array` (a Node `Buffer` is one).
 */

/** A text message, reassembled from its fragments. Made by {@link text}. */
export interface TextFrame {
  /** The frame's tag. */
  readonly type: 'text';
  /** The message, decoded from UTF-8 (invalid UTF-8 ends the connection with 1007 by default). */
  readonly data: string;
}

/** A binary message, reassembled from its fragments. Made by {@link binary}. */
export interface BinaryFrame {
  /** The frame's tag. */
  readonly type: 'binary';
  /** The message's bytes (a `Buffer` when received). */
  readonly data: Uint8Array;
}

/**
 * A ping control frame; its payload is at most 125 bytes. The server answers a received ping with
 * a pong by itself, before the handler sees it. Made by {@link ping}.
 */
export interface PingFrame {
  /** The frame's tag. */
  readonly type: 'ping';
  /** The payload, at most 125 bytes ({@link MAX_CONTROL_PAYLOAD}); a pong echoes it. */
  readonly data: Uint8Array;
}

/**
 * A pong control frame; its payload is at most 125 bytes. A received pong counts as activity for
 * the idle timeout, so answering keepalive pings keeps a connection open. Made by {@link pong}.
 */
export interface PongFrame {
  /** The frame's tag. */
  readonly type: 'pong';
  /** The payload, at most 125 bytes ({@link MAX_CONTROL_PAYLOAD}). */
  readonly data: Uint8Array;
}

/**
 * A close frame. Without `code` it is sent empty; with a code it carries the code and a reason of at
 * most 123 bytes of UTF-8.
 */
export interface CloseFrame {
  /** The frame's tag. */
  readonly type: 'close';
  /**
   * The close code the peer receives; one that may be sent ({@link isValidCloseCode}: 1000–1003,
   * 1007–1014, 3000–4999), or the handler crashes. Absent: an empty close frame.
   */
  readonly code?: number;
  /** A reason for the peer, at most 123 bytes of UTF-8; only with a `code`. */
  readonly reason?: string;
}

/**
 * Every frame a handler can receive. Close frames are never delivered: they end the connection
 * with a `remote` {@link TerminateReason}.
 */
export type InFrame = TextFrame | BinaryFrame | PingFrame | PongFrame;

/**
 * Every frame a handler can send. A close frame is the last thing sent: the frames after it are
 * dropped and the connection ends with `stop`.
 */
export type OutFrame = InFrame | CloseFrame;

const EMPTY = new Uint8Array(0);

/** A text frame carrying `data`, sent as UTF-8. */
export function text(data: string): TextFrame {
  return { type: 'text', data };
}

/** A binary frame carrying `data` (a `Buffer` works: it is a `Uint8Array`). */
export function binary(data: Uint8Array): BinaryFrame {
  return { type: 'binary', data };
}

/**
 * A ping frame, empty by default; at most 125 bytes of payload. The peer answers it with a pong
 * (see also {@link UpgradeOptions.keepalive}, which pings for you).
 */
export function ping(data: Uint8Array = EMPTY): PingFrame {
  return { type: 'ping', data };
}

/**
 * A pong frame, empty by default; at most 125 bytes of payload. Unsolicited pongs are allowed
 * (a one-way heartbeat); pings are already answered by the server.
 */
export function pong(data: Uint8Array = EMPTY): PongFrame {
  return { type: 'pong', data };
}

/**
 * A close frame, in Cowboy's three forms:
 * - `close()` — an empty close frame (no status code: the peer reports 1005);
 * - `close(reason)` — code 1000 with that reason (Cowboy's `{close, Payload}`);
 * - `close(code, reason?)` — that code and reason.
 *
 * Sending one ends the connection with reason `stop` at once: `terminate` runs, nothing more
 * reaches the handler, and frames listed after it are dropped.
 *
 * ```ts
 * reply(close(4000, 'kicked'), state)
 * ```
 */
export function close(): CloseFrame;
/** A close frame with code 1000 and `reason` (at most 123 bytes of UTF-8). */
export function close(reason: string): CloseFrame;
/**
 * A close frame with `code` (one that {@link isValidCloseCode} allows) and an optional `reason`
 * (at most 123 bytes of UTF-8).
 */
export function close(code: number, reason?: string): CloseFrame;
export function close(codeOrReason?: number | string, reason?: string): CloseFrame {
  if (codeOrReason === undefined) return { type: 'close' };
  if (typeof codeOrReason === 'string') return { type: 'close', code: 1000, reason: codeOrReason };
  return reason === undefined
    ? { type: 'close', code: codeOrReason }
    : { type: 'close', code: codeOrReason, reason };
}

/**
 * Whether a frame is a control frame (ping, pong, close): those carry at most 125 bytes and are
 * never fragmented.
 */
export function isControlFrame(frame: OutFrame): frame is PingFrame | PongFrame | CloseFrame {
  return frame.type === 'ping' || frame.type === 'pong' || frame.type === 'close';
}
