/**
 * WebSocket frames as plain data: what a handler receives and what it asks to send.
 *
 * Text payloads are strings (already UTF-8 decoded and validated); binary and control payloads are
 * `Uint8Array` (a Node `Buffer` is one).
 */

/** A text message, reassembled from its fragments. */
export interface TextFrame {
  readonly type: 'text';
  readonly data: string;
}

/** A binary message, reassembled from its fragments. */
export interface BinaryFrame {
  readonly type: 'binary';
  readonly data: Uint8Array;
}

/** A ping control frame; its payload is at most 125 bytes. */
export interface PingFrame {
  readonly type: 'ping';
  readonly data: Uint8Array;
}

/** A pong control frame; its payload is at most 125 bytes. */
export interface PongFrame {
  readonly type: 'pong';
  readonly data: Uint8Array;
}

/**
 * A close frame. Without `code` it is sent empty; with a code it carries the code and a reason of at
 * most 123 bytes of UTF-8.
 */
export interface CloseFrame {
  readonly type: 'close';
  readonly code?: number;
  readonly reason?: string;
}

/** Every frame a handler can receive. Close frames are never delivered: they end the connection. */
export type InFrame = TextFrame | BinaryFrame | PingFrame | PongFrame;

/** Every frame a handler can send. */
export type OutFrame = InFrame | CloseFrame;

const EMPTY = new Uint8Array(0);

/** A text frame. */
export function text(data: string): TextFrame {
  return { type: 'text', data };
}

/** A binary frame. */
export function binary(data: Uint8Array): BinaryFrame {
  return { type: 'binary', data };
}

/** A ping frame, empty by default. */
export function ping(data: Uint8Array = EMPTY): PingFrame {
  return { type: 'ping', data };
}

/** A pong frame, empty by default. */
export function pong(data: Uint8Array = EMPTY): PongFrame {
  return { type: 'pong', data };
}

/**
 * A close frame, in Cowboy's three forms:
 * - `close()` — an empty close frame (no status code);
 * - `close(reason)` — code 1000 with that reason (Cowboy's `{close, Payload}`);
 * - `close(code, reason?)` — that code and reason.
 */
export function close(): CloseFrame;
export function close(reason: string): CloseFrame;
export function close(code: number, reason?: string): CloseFrame;
export function close(codeOrReason?: number | string, reason?: string): CloseFrame {
  if (codeOrReason === undefined) return { type: 'close' };
  if (typeof codeOrReason === 'string') return { type: 'close', code: 1000, reason: codeOrReason };
  return reason === undefined
    ? { type: 'close', code: codeOrReason }
    : { type: 'close', code: codeOrReason, reason };
}

/** Whether a frame is a control frame (ping, pong, close). */
export function isControlFrame(frame: OutFrame): frame is PingFrame | PongFrame | CloseFrame {
  return frame.type === 'ping' || frame.type === 'pong' || frame.type === 'close';
}
