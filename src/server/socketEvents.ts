import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { ConnectionEvent } from '../handler/events.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';
import { onCloseFrame as onReceiverCloseFrame } from './wsInternals.js';

/**
 * Turns what `ws` and the raw socket report into the engine's input events. ws keeps doing what it
 * does well (framing, masking, UTF-8, inflation, answering close and ping frames); this module only
 * translates, and owns every error path so that none reaches an unhandled 'error' event.
 */

/** ws's close code when the socket closed without a close frame (never valid on the wire). */
const ABNORMAL = 1006;
/** ws's close code for a close frame without a status code. */
const NO_STATUS = 1005;

/** ws's code for a message over the limit. */
const MESSAGE_TOO_BIG = 1009;

/**
 * Feeds `sink` with frames and end events from `ws` and its socket. Returns a detach function
 * that removes the forwarding but keeps no-op error listeners, so a late socket error after the
 * connection ended can never crash the process.
 *
 * `maxFrameSize` is checked here for messages ws let through only because, with deflate, its wire
 * limit is set a little above the message limit (see `compressedBound`).
 */
export function socketEvents<I>(
  ws: WebSocket,
  socket: Duplex,
  maxFrameSize: () => number,
  sink: (event: ConnectionEvent<I>) => void,
): () => void {
  let forwarding = true;
  const end = (reason: TerminateReason): void => sink({ type: 'end', reason });
  const onMessage = (data: Buffer, isBinary: boolean): void => {
    if (data.length > maxFrameSize()) {
      ws.close(MESSAGE_TOO_BIG);
      end(reasons.error('badsize'));
      return;
    }
    sink({
      type: 'frame',
      frame: isBinary ? { type: 'binary', data } : { type: 'text', data: data.toString('utf8') },
    });
  };
  const onPing = (data: Buffer): void => sink({ type: 'frame', frame: { type: 'ping', data } });
  const onPong = (data: Buffer): void => sink({ type: 'frame', frame: { type: 'pong', data } });
  const onWsError = (err: Error & { code?: string }): void => end(reasonForWsError(err));
  const onSocketError = (err: Error): void => end(reasons.socketError(err));
  const onCloseFrame = (code: number, reason: Buffer): void =>
    end(reasons.remote(code === NO_STATUS ? undefined : code, reason.toString('utf8')));
  // Usually the close frame was reported already; this covers sockets gone without one.
  const onClose = (code: number, reason: Buffer): void => {
    if (code === ABNORMAL) end(reasons.error('closed'));
    else onCloseFrame(code, reason);
  };

  ws.on('message', onMessage);
  ws.on('ping', onPing);
  ws.on('pong', onPong);
  ws.on('error', onWsError);
  ws.on('close', onClose);
  onReceiverCloseFrame(ws, (code, reason) => {
    if (forwarding) onCloseFrame(code, reason);
  });
  socket.on('error', onSocketError);
  ws.on('error', ignore);
  socket.on('error', ignore);

  return () => {
    forwarding = false;
    ws.off('message', onMessage);
    ws.off('ping', onPing);
    ws.off('pong', onPong);
    ws.off('error', onWsError);
    ws.off('close', onClose);
    socket.off('error', onSocketError);
  };
}

/**
 * The terminate reason for an error ws reports. ws has already sent the matching close frame
 * (1007, 1009, 1002; a fragment flood is rewritten to 1009 in `wsInternals`), so the engine adds
 * none. Errors without a `WS_ERR_` code come from zlib (corrupt compressed data: ws sends 1007) or
 * from writing to the socket.
 */
export function reasonForWsError(err: Error & { code?: string }): TerminateReason {
  const code = err.code ?? '';
  switch (code) {
    case 'WS_ERR_INVALID_UTF8':
      return reasons.error('badencoding');
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
      return reasons.error('badsize');
    default:
      if (code.startsWith('WS_ERR_')) return reasons.error('badframe');
      if (code.startsWith('Z_')) return reasons.error('badencoding');
      return reasons.socketError(err);
  }
}

function ignore(): void {
  // Errors after the end are expected (peer gone mid-write) and already accounted for.
}
