import type { TerminalNotification } from '../handler/events.js';
import type { TerminateReason } from '../handler/reasons.js';

/**
 * What an end owes, decided in one place for the engine and for `endOnce`: whether the server
 * sends the close frame itself, and the terminal notification that closes the output.
 */

/**
 * Whether the engine sends the close frame for `reason` (the server decided the end) rather than
 * the transport (the peer closed, or the connection broke).
 */
export function ownsClose(reason: TerminateReason): boolean {
  switch (reason.type) {
    case 'timeout':
    case 'crash':
    case 'shutdown':
    case 'backpressure':
      return true;
    default:
      return false;
  }
}

/** The terminal notification for `reason`, carrying the last `shutdownReason` command if any. */
export function terminalOf(
  reason: TerminateReason,
  shutdownReason: { readonly value: unknown } | undefined,
): TerminalNotification {
  return shutdownReason === undefined
    ? { type: 'terminal', reason }
    : { type: 'terminal', reason, shutdownReason: shutdownReason.value };
}
