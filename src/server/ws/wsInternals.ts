import WebSocket from 'ws';
import { ArrivingText } from './arrivingText.js';

/**
 * With `wsStreamInternals.ts` (a WebSocket on an HTTP/2 stream) and `wsEnds.ts` (ws's repeated
 * ends of a closing connection), the only module that touches `ws`
 * internals (8.x field names, read from node_modules/ws/lib). Each access is checked, so a `ws` release that renames a field fails loudly in the specs instead
 * of silently dropping a limit.
 *
 * Why internals at all: `ws` fixes `maxPayload` and `maxFragments` per server, but rodeo's
 * `setOptions({ maxFrameSize })` changes them on a live connection; the Receiver and the
 * permessage-deflate extension read them on every frame, so updating the fields takes effect at once.
 * And ws checks UTF-8 only once a text message is complete, where rodeo fails at the first invalid
 * piece (`failFastOnInvalidUtf8`).
 */

type ReceiverCallback = (err?: Error) => void;
type ReceiverMethod = (this: ReceiverInternals, cb: ReceiverCallback) => void;

interface ReceiverInternals {
  _maxPayload: number;
  _maxFragments: number;
  _fragmented: number;
  _state: number;
  _bufferedBytes: number;
  _buffers: Buffer[];
  _fin: boolean;
  _opcode: number;
  _compressed: boolean;
  _payloadLength: number;
  _mask: Buffer | undefined;
  _fragments: Buffer[];
  _skipUTF8Validation: boolean;
  _allowSynchronousEvents: boolean;
  [ARRIVING_TEXT]?: ArrivingText | null;
  getData: ReceiverMethod;
  dataMessage: ReceiverMethod;
  createError(
    ctor: ErrorConstructor,
    message: string,
    prefix: boolean,
    statusCode: number,
    errorCode: string,
  ): Error;
  prependListener(event: 'error', listener: (err: Error & { code?: string }) => void): void;
  on(event: 'conclude', listener: (this: object, code: number, reason: Buffer) => void): void;
  on(event: 'message', listener: MessageListener): void;
  listeners(event: 'message'): ((...args: never[]) => void)[];
  removeListener(event: 'message', listener: (...args: never[]) => void): void;
}

/** A listener for messages as ws's Receiver emits them (`this` is the Receiver). */
type MessageListener = (this: object, data: Buffer, isBinary: boolean) => void;

interface DeflateInternals {
  _maxPayload: number;
  _deflate: { close(): void } | null;
  _inflate: { close(): void } | null;
  params: Readonly<Record<string, unknown>> | null;
}

interface SenderInternals {
  _queue: unknown[];
  _state: number;
}

interface SocketInternals {
  _receiver: ReceiverInternals | null;
  _sender: SenderInternals | null;
  _extensions: Readonly<Record<string, DeflateInternals | undefined>>;
}

const DEFLATE = 'permessage-deflate';
/** Receiver/Sender idle state (`GET_INFO` / `DEFAULT`) in ws 8. */
const IDLE_STATE = 0;

/** ws's own key (`kWebSocket`, not exported) from a Receiver to its WebSocket; found on first use. */
let receiverLink: symbol | undefined;
/** Where a Receiver keeps the check of a text message arriving in pieces (`null` otherwise). */
const ARRIVING_TEXT = Symbol('rodeo.arrivingText');
const TEXT = 0x1;
/** The mask of a frame that has none (a server's Receiver always has one; a client's never). */
const NO_MASK = new Uint8Array(4);
/** ws's own `Receiver#getData` and `#dataMessage`, which rodeo wraps; found on first use. */
let wsReceive: Pick<ReceiverInternals, 'getData' | 'dataMessage'> | undefined;

type Linked = Record<symbol, unknown>;

/**
 * Sets the message size limits: `wirePayload` on what arrives (compressed or not), `message` after
 * inflation, and the most fragments a message may have (ws sizes: 0 is unlimited).
 */
export function setMessageLimits(
  ws: WebSocket,
  limits: { readonly wirePayload: number; readonly message: number; readonly fragments: number },
): void {
  const receiver = receiverOf(ws);
  receiver._maxPayload = limits.wirePayload;
  receiver._maxFragments = limits.fragments;
  const deflate = deflateOf(ws);
  if (deflate !== undefined) deflate._maxPayload = limits.message;
}

/**
 * Makes a fragment flood close with 1009 (message too big) instead of ws's 1008: it is the same
 * condition as `maxFrameSize` (one message costing too much memory), so the peer gets the code
 * rodeo's `badsize` reason promises. Must run before ws's own listener sends the close frame.
 */
export function fragmentFloodIsTooBig(ws: WebSocket): void {
  receiverOf(ws).prependListener('error', floodIsTooBig);
}

/**
 * Makes invalid UTF-8 fail a text message (1007) as soon as the piece that makes it invalid
 * arrives, without waiting for the rest (Autobahn 6.4.x; Cowboy does the same): a non-final
 * fragment is checked when ws has it, after inflation, and an uncompressed frame that arrives over
 * several reads is checked read by read. The error is ws's own (`WS_ERR_INVALID_UTF8`, 1007),
 * raised where ws raises it, so the connection ends exactly as for a message found invalid at its
 * end. ws still checks each complete message itself; a message in one frame and one read costs
 * two wrapper calls and a few field reads. Does nothing when UTF-8 validation is off.
 */
export function failFastOnInvalidUtf8(ws: WebSocket): void {
  const receiver = receiverOf(ws);
  const own = (wsReceive ??= checkedReceiveMethods(receiver));
  if (receiver._skipUTF8Validation) return;
  if (receiver.getData !== own.getData || receiver.dataMessage !== own.dataMessage) {
    throw new Error('ws internals changed: Receiver#getData/#dataMessage differ between sockets');
  }
  receiver[ARRIVING_TEXT] = null;
  receiver.getData = getDataFailingFast;
  receiver.dataMessage = dataMessageFailingFast;
}

/**
 * Calls `listener` when the peer's close frame has been read (after ws has answered it). ws only
 * reports the close once the TCP connection is gone, which a peer can delay until ws's close timer;
 * `terminate` should learn about the close when it happens, not when the socket is released.
 *
 * `listener` runs with `this` set to ws's Receiver, so one function can serve every connection:
 * `websocketOf(this)` is the connection's WebSocket.
 */
export function onCloseFrame(
  ws: WebSocket,
  listener: (this: object, code: number, reason: Buffer) => void,
): void {
  const receiver = receiverOf(ws);
  receiverLink ??= linkTo(receiver, ws);
  receiver.on('conclude', listener);
}

/**
 * Has ws's Receiver call `listener` for each message, in place of ws's own listener, which only
 * emits it again on the WebSocket: one event less per message (the WebSocket emits no 'message'
 * events afterwards). `listener` runs with `this` set to the Receiver, which is returned so the
 * caller can tag it; `websocketOf(this)` is its WebSocket.
 */
export function onMessageRead(ws: WebSocket, listener: MessageListener): object {
  const receiver = receiverOf(ws);
  receiverLink ??= linkTo(receiver, ws);
  const own = receiver.listeners('message');
  if (own.length !== 1)
    throw new Error('ws internals changed: Receiver has no single message listener');
  receiver.removeListener('message', own[0] as (...args: never[]) => void);
  receiver.on('message', listener);
  return receiver;
}

/** The WebSocket of the Receiver an `onCloseFrame` or `onMessageRead` listener is called on. */
export function websocketOf(receiver: object): WebSocket {
  const ws = receiverLink === undefined ? undefined : (receiver as Linked)[receiverLink];
  if (!(ws instanceof WebSocket)) throw new Error('ws internals changed: Receiver lost its link');
  return ws;
}

/**
 * Whether ws emits the next message, ping or pong of `ws` as soon as it is parsed (ws's default) or
 * from a `setImmediate`, letting the event loop turn first: how `socketEvents` bounds what one read
 * may emit in one go. ws reads the flag as it emits each event.
 */
export function emitAtOnce(ws: WebSocket, atOnce: boolean): void {
  const receiver = receiverOf(ws);
  if (typeof receiver._allowSynchronousEvents !== 'boolean') {
    throw new Error('ws internals changed: Receiver#_allowSynchronousEvents not found');
  }
  receiver._allowSynchronousEvents = atOnce;
}

/** The negotiated permessage-deflate parameters, or `undefined` if compression is off. */
export function deflateParams(ws: WebSocket): Readonly<Record<string, unknown>> | undefined {
  return deflateOf(ws)?.params ?? undefined;
}

/**
 * Frees the zlib contexts an idle connection can re-create (ws creates them lazily on the next
 * message). The compressor can always be dropped between messages: a fresh one only stops
 * back-referencing earlier messages, which the peer decodes as before (RFC 7692 §7.1.1.1). The
 * decompressor holds the peer's window, so it is dropped only when the peer promised not to use it
 * (`client_no_context_takeover`). Returns the number of contexts freed.
 */
export function releaseDeflateContexts(ws: WebSocket): number {
  const deflate = deflateOf(ws);
  if (deflate === undefined || ws.readyState !== WebSocket.OPEN) return 0;
  let freed = 0;
  const sender = (ws as unknown as SocketInternals)._sender;
  if (
    deflate._deflate !== null &&
    sender !== null &&
    sender._state === IDLE_STATE &&
    sender._queue.length === 0
  ) {
    deflate._deflate.close();
    deflate._deflate = null;
    freed++;
  }
  const receiver = receiverOf(ws);
  const atBoundary =
    receiver._state === IDLE_STATE && receiver._fragmented === 0 && receiver._bufferedBytes === 0;
  if (
    deflate._inflate !== null &&
    atBoundary &&
    deflate.params?.client_no_context_takeover === true
  ) {
    deflate._inflate.close();
    deflate._inflate = null;
    freed++;
  }
  return freed;
}

/** Whether ws has nothing of its own queued (so raw writes keep their order). */
export function senderIsIdle(ws: WebSocket): boolean {
  const sender = (ws as unknown as SocketInternals)._sender;
  return sender !== null && sender._state === IDLE_STATE && sender._queue.length === 0;
}

function linkTo(receiver: object, ws: WebSocket): symbol {
  const link = Object.getOwnPropertySymbols(receiver).find((s) => (receiver as Linked)[s] === ws);
  if (link === undefined) throw new Error('ws internals changed: Receiver has no kWebSocket');
  return link;
}

function checkedReceiveMethods(
  r: ReceiverInternals,
): Pick<ReceiverInternals, 'getData' | 'dataMessage'> {
  const found =
    [r.getData, r.dataMessage, r.createError].every((m) => typeof m === 'function') &&
    [r._buffers, r._fragments].every((field) => Array.isArray(field)) &&
    [r._fin, r._compressed, r._skipUTF8Validation].every((field) => typeof field === 'boolean') &&
    [r._opcode, r._payloadLength].every((field) => typeof field === 'number');
  if (!found) throw new Error('ws internals changed: Receiver#getData, #dataMessage or fields');
  return { getData: r.getData, dataMessage: r.dataMessage };
}

function getDataFailingFast(this: ReceiverInternals, cb: ReceiverCallback): void {
  // An uncompressed text frame still arriving: check what this read brought.
  if (
    this._bufferedBytes < this._payloadLength &&
    this._opcode === TEXT &&
    !this._compressed &&
    !(this[ARRIVING_TEXT] ??= new ArrivingText()).frameArriving(
      this._buffers,
      this._bufferedBytes,
      this._mask ?? NO_MASK,
    )
  ) {
    failUtf8(this, cb);
    return;
  }
  (wsReceive as ReceiverInternals).getData.call(this, cb);
}

function dataMessageFailingFast(this: ReceiverInternals, cb: ReceiverCallback): void {
  if (this._fin) {
    // ws checks the complete message itself.
    if (this[ARRIVING_TEXT] !== null) this[ARRIVING_TEXT] = null;
  } else if (
    this._opcode === TEXT &&
    !(this[ARRIVING_TEXT] ??= new ArrivingText()).frameComplete(this._fragments)
  ) {
    failUtf8(this, cb);
    return;
  }
  (wsReceive as ReceiverInternals).dataMessage.call(this, cb);
}

function failUtf8(receiver: ReceiverInternals, cb: ReceiverCallback): void {
  receiver[ARRIVING_TEXT] = null;
  cb(receiver.createError(Error, 'invalid UTF-8 sequence', true, 1007, 'WS_ERR_INVALID_UTF8'));
}

function floodIsTooBig(err: Error & { code?: string }): void {
  if (err.code !== 'WS_ERR_TOO_MANY_BUFFERED_PARTS') return;
  const status = Object.getOwnPropertySymbols(err).find((s) => s.description === 'status-code');
  if (status !== undefined) (err as unknown as Record<symbol, number>)[status] = 1009;
}

function receiverOf(ws: WebSocket): ReceiverInternals {
  const receiver = (ws as unknown as SocketInternals)._receiver;
  if (receiver === null || typeof receiver._maxPayload !== 'number') {
    throw new Error('ws internals changed: Receiver#_maxPayload not found');
  }
  return receiver;
}

function deflateOf(ws: WebSocket): DeflateInternals | undefined {
  const deflate = (ws as unknown as SocketInternals)._extensions[DEFLATE];
  if (deflate !== undefined && typeof deflate._maxPayload !== 'number') {
    throw new Error('ws internals changed: PerMessageDeflate#_maxPayload not found');
  }
  return deflate;
}
