import type { TerminalNotification } from '../handler/events.js';
import type { OutFrame } from '../handler/frames.js';

/**
 * What the engine drives. The engine interprets every command itself (Cowboy's `commands/3`) and
 * asks its port only for effects: in the server the port is the connection's transport, under
 * `connection()` and `rodeo/testing` it turns each request into an output value, so a marble test
 * sees exactly what a server would be asked to do.
 */

/** How a send went: `'overflow'` if the outbound queue passed its bound (the frames were not taken). */
export type SendOutcome = 'sent' | 'overflow';

/** The engine's side effects, in the order the engine decides them. */
export interface EnginePort {
  /**
   * Writes the frames of one result, in order, together. A close frame, if any, is the last one
   * and starts the closing handshake. The outcome comes back as a value: the engine ends the
   * connection with `backpressure` on `'overflow'`.
   */
  send(frames: readonly OutFrame[]): SendOutcome;
  /**
   * Reads from the peer (`true`) or stops (`false`): off while the handler said `active(false)` or
   * its mailbox is past its high-water mark. Called only when that changes.
   */
  reading(on: boolean): void;
  /** Compresses the data frames that follow, or not (a `deflate` command). */
  compression(on: boolean): void;
  /** The largest message the peer may send from now on (a `setOptions` command). */
  maxFrameSize(bytes: number): void;
  /** The handler asked to hibernate after its last result's commands. */
  hibernate(): void;
  /**
   * The mailbox changed while messages were waiting for a busy handler: `delta` (+1 queued, −n
   * handled or dropped) and the length now. Not called on the synchronous path.
   */
  queued(delta: number, length: number): void;
  /** An info was refused because the mailbox was full (`mailboxOverflow: 'drop'`). */
  infoDropped(): void;
  /** The connection is over and `terminate` has run: the last call, exactly once. */
  terminated(terminal: TerminalNotification): void;
}
