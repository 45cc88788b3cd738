import type { Http2Stream } from 'node:http2';
import { RodeoError } from '../handler/errors.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';

/**
 * HTTP/2 error codes by number (RFC 9113 §7), to name the code a peer reset a stream with.
 */
const HTTP2_ERROR_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
] as const;

/**
 * The cause of `{ type: 'error', error: 'other' }` when the peer reset the HTTP/2 stream of a
 * WebSocket (RST_STREAM) — what a browser does when a page goes away without closing its socket.
 * Over HTTP/1.1 the same event is a TCP reset (`ECONNRESET`), also `error other`; here the cause
 * says which, and with which HTTP/2 error code. (A connection lost under the stream is `error
 * closed`, as a TCP connection closed without a close frame.)
 */
export class StreamResetError extends RodeoError {
  /** The RST_STREAM's error code (RFC 9113 §7), e.g. 8 for `CANCEL`. */
  readonly http2Code: number;

  /** @param http2Code The RST_STREAM's error code; the message names it (`CANCEL`, …). */
  constructor(http2Code: number) {
    const name = HTTP2_ERROR_NAMES[http2Code] ?? `0x${http2Code.toString(16)}`;
    super('RODEO_ERR_STREAM_RESET', `the peer reset the HTTP/2 stream (${name})`);
    this.http2Code = http2Code;
  }
}

/**
 * Why a stream ended without a close frame: the peer reset it (`error other`, `StreamResetError`),
 * or its whole connection went away (`error closed`).
 */
export function streamEndReason(stream: Http2Stream): TerminateReason {
  return connectionLost(stream)
    ? reasons.error('closed')
    : reasons.socketError(new StreamResetError(stream.rstCode));
}

/** Whether the stream ended because its HTTP/2 connection did (not a reset of this stream). */
function connectionLost(stream: Http2Stream): boolean {
  const session = stream.session;
  if (session === undefined || session.destroyed) return true;
  try {
    return session.socket.destroyed;
  } catch {
    // Node throws once the session has let go of its socket.
    return true;
  }
}
