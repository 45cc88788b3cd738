import type { TerminateReason } from 'rodeo';

/**
 * A label for why a connection ended, finer than `server.metrics.terminated`, which counts by
 * `type` only: `error_badsize` (1009) apart from `error_closed` (a tab closed), and
 * `backpressure_outbound` (1008) apart from `backpressure_mailbox` (1013).
 */
export function endLabel(reason: TerminateReason): string {
  switch (reason.type) {
    case 'error':
      return `error_${reason.error}`;
    case 'backpressure':
      return `backpressure_${reason.queue}`;
    case 'crash':
      return `crash_${reason.callback}`;
    default:
      return reason.type;
  }
}
