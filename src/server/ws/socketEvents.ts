import type { Http2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { reasons, type TerminateReason } from '../../handler/reasons.js';
import { MAILBOX_SLICE } from '../../operators/mailbox.js';
import { streamEndReason } from '../streamReset.js';
import type { TransportSink } from '../transport.js';
import { ReceivedText } from './receivedText.js';
import { closeSocketOnceEnded, endSocketOnceAfterClose } from './wsEnds.js';
import {
  emitAtOnce,
  hookAnswers,
  onMessageRead,
  websocketOf,
  type AnswerHooks,
} from './wsInternals.js';

/**
 * Turns what `ws` and the raw socket report into the transport sink's calls. ws keeps doing what it
 * does well (framing, masking, UTF-8, inflation, answering close and ping frames); this module
 * translates, paces how many events one read may emit at once, and owns every error path so that
 * none reaches an unhandled 'error' event.
 *
 * The listeners are module-level functions shared by every connection: EventEmitter calls them
 * with `this` set to the emitter, and the emitter carries its sink under a private symbol, so an
 * idle connection holds no listener closures.
 */

/** ws's close code when the socket closed without a close frame (never valid on the wire). */
const ABNORMAL = 1006;
/** ws's close code for a close frame without a status code. */
const NO_STATUS = 1005;

/** ws's code for a message over the limit. */
const MESSAGE_TOO_BIG = 1009;

/**
 * The most messages, pings and pongs ws may emit for one connection before the event loop gets a
 * turn. One 64 KiB read can hold about 9 000 tiny frames, which ws would otherwise parse and emit
 * in one go (tens of milliseconds in which no other connection is served); past this many, the
 * rest of the read is emitted in further turns of the loop, this many at a time. Reading the
 * socket waits meanwhile (ws's receiver holds the unread bytes, and the socket is paused once it
 * holds 16 KiB), so nothing is dropped and the peer is pushed back by TCP. The mailbox's slice
 * (256), so a burst costs what a slice of handler calls costs.
 */
export const MAX_EVENTS_PER_TURN = MAILBOX_SLICE;
/** `SocketEventTarget.burst` while ws emits the next event from a `setImmediate`. */
const YIELDING = -1;

/** Where the ws and the socket of a connection keep their transport. */
const TRANSPORT = Symbol('rodeo.wsTransport');

/** What the listeners need of the connection's transport. */
export interface SocketEventTarget {
  /** Where events go (set before the listeners are added). */
  readonly sink: TransportSink | undefined;
  /** The message size limit in force (bytes, or `Infinity`). */
  readonly maxMessageSize: number;
  /** Writes the frames it holds back (before ws writes on its own, or ends the socket). */
  flush(): void;
  /**
   * Events ws emitted since the socket's last read began, or `YIELDING` (see
   * `MAX_EVENTS_PER_TURN`); the listeners own it.
   */
  burst: number;
}

type Tagged = { [TRANSPORT]?: SocketEventTarget };
/** A target whose connection still forwards events. */
type Forwarding = SocketEventTarget & { readonly sink: TransportSink };

/**
 * Feeds the transport's sink with frames and end events from `ws` and its socket for as long as
 * `sink.forwarding` says so (the listeners stay, doing nothing, after that), and tells it when the
 * socket is released.
 *
 * `maxMessageSize` is checked here for messages ws let through only because, with deflate, its
 * wire limit is set a little above the message limit (see `compressedBound`).
 */
export function forwardSocketEvents(
  ws: WebSocket,
  socket: Duplex,
  target: SocketEventTarget,
): void {
  (ws as Tagged)[TRANSPORT] = target;
  (socket as Tagged)[TRANSPORT] = target;
  (onMessageRead(ws, onMessage) as Tagged)[TRANSPORT] = target;
  // What ws answers while reading (a pong, the close reply) must not overtake the replies staged
  // for the frames read before. Its other writes need no hook: a protocol error's close and its
  // end of the socket on the peer's FIN come from a later tick than what was staged, whose flush
  // was queued first.
  hookAnswers(ws, ANSWER_HOOKS);
  ws.on('error', onWsError);
  ws.on('close', onClose);
  socket.on('error', onSocketError);
  // Before ws's own listener parses the chunk: the frames it holds are one burst.
  socket.prependListener('data', onRead);
}

/**
 * Over HTTP/2, also reports the peer resetting the stream (RST_STREAM): `error other` with a
 * `StreamResetError` (RODEO_ERR_STREAM_RESET) carrying the HTTP/2 code, or `error closed` when the
 * whole connection went away. Node reports both as the stream's 'aborted' event, before the
 * stream closes (and before ws sees anything). Call after `forwardSocketEvents`.
 */
export function forwardStreamResets(stream: Http2Stream): void {
  stream.on('aborted', onStreamAborted);
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

/** The target of `emitter`, or `undefined` once its connection no longer forwards. */
function forwardingTarget(emitter: object): Forwarding | undefined {
  const target = (emitter as Tagged)[TRANSPORT];
  // Errors after the end are expected (peer gone mid-write) and already accounted for.
  return target?.sink?.forwarding === true ? (target as Forwarding) : undefined;
}

/** The sink of `emitter`, or `undefined` once its connection no longer forwards. */
function forwardingSink(emitter: object): TransportSink | undefined {
  return forwardingTarget(emitter)?.sink;
}

/**
 * Counts an event ws emitted (`emitter`: the WebSocket, or its Receiver for messages); at
 * `MAX_EVENTS_PER_TURN` in a row, asks ws to emit the next one after the event loop's turn, and,
 * when that one comes, to emit at once again.
 */
function counted(target: SocketEventTarget, emitter: object): void {
  if (target.burst === YIELDING) {
    target.burst = 0;
    emitAtOnce(websocketOfEmitter(emitter), true);
  }
  if (++target.burst === MAX_EVENTS_PER_TURN) {
    target.burst = YIELDING;
    emitAtOnce(websocketOfEmitter(emitter), false);
  }
}

function websocketOfEmitter(emitter: object): WebSocket {
  return emitter instanceof WebSocket ? emitter : websocketOf(emitter);
}

/** A message, straight from ws's Receiver (`onMessageRead`). */
function onMessage(this: object, data: Buffer, isBinary: boolean): void {
  const target = forwardingTarget(this);
  if (target === undefined) return;
  counted(target, this);
  if (data.length > target.maxMessageSize) {
    target.flush();
    websocketOf(this).close(MESSAGE_TOO_BIG);
    target.sink.end(reasons.error('badsize'));
    return;
  }
  target.sink.frame(isBinary ? { type: 'binary', data } : new ReceivedText(data));
}

function flushHeldFrames(this: object): void {
  (this as Tagged)[TRANSPORT]?.flush();
}

function onRead(this: Duplex): void {
  const target = (this as Tagged)[TRANSPORT];
  // A new read, a new count (unless ws was asked to yield: the next event restores it).
  if (target !== undefined && target.burst > 0) target.burst = 0;
  forwardingSink(this)?.readStarted();
}

/** A ping or pong, from ws's Receiver (`hookAnswers`). */
function onControlRead(this: object, type: 'ping' | 'pong', data: Buffer): void {
  const target = forwardingTarget(this);
  if (target === undefined) return;
  counted(target, this);
  target.sink.frame({ type, data });
}

function onWsError(this: WebSocket, err: Error & { code?: string }): void {
  forwardingSink(this)?.end(reasonForWsError(err));
}

function onSocketError(this: Duplex, err: Error): void {
  forwardingSink(this)?.end(reasons.socketError(err));
}

function onStreamAborted(this: Http2Stream): void {
  forwardingSink(this)?.end(streamEndReason(this));
}

function closeFrame(sink: TransportSink, code: number, reason: Buffer): void {
  sink.end(reasons.remote(code === NO_STATUS ? undefined : code, reason.toString('utf8')));
}

function onCloseFrameRead(this: object, code: number, reason: Buffer): void {
  const ws = websocketOf(this);
  endSocketOnceAfterClose(ws);
  closeSocketOnceEnded(ws);
  const sink = forwardingSink(ws);
  if (sink !== undefined) closeFrame(sink, code, reason);
}

const ANSWER_HOOKS: AnswerHooks = {
  beforeAnswer: flushHeldFrames,
  closeFrameRead: onCloseFrameRead,
  controlRead: onControlRead,
};

/** ws reports 'close' once, after its socket closed. */
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const sink = forwardingSink(this);
  // Usually the close frame was reported already; this covers sockets gone without one.
  if (sink !== undefined) {
    if (code === ABNORMAL) sink.end(reasons.error('closed'));
    else closeFrame(sink, code, reason);
  }
  (this as Tagged)[TRANSPORT]?.sink?.released();
}
