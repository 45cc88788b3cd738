import WebSocket from 'ws';

/**
 * With `wsStreamInternals.ts` (a WebSocket on an HTTP/2 stream), `wsEnds.ts` (ws's repeated
 * ends of a closing connection) and `wsUtf8.ts` (UTF-8 failing fast), the only module that touches `ws`
 * internals (8.x field names, read from node_modules/ws/lib). Each access is checked, so a `ws` release that renames a field fails loudly in the specs instead
 * of silently dropping a limit.
 *
 * Why internals at all: `ws` fixes `maxPayload` and `maxFragments` per server, but rodeo's
 * `setOptions({ maxFrameSize })` changes them on a live connection; the Receiver and the
 * permessage-deflate extension read them on every frame, so updating the fields takes effect at once.
 * And ws checks UTF-8 only once a text message is complete, where rodeo fails at the first invalid
 * piece (`failFastOnInvalidUtf8`).
 */

/** The Receiver fields and methods rodeo uses (`wsUtf8.ts` adds the UTF-8 fail-fast ones). */
export interface ReceiverInternals {
  _maxPayload: number;
  _maxFragments: number;
  _fragmented: number;
  _state: number;
  _bufferedBytes: number;
  _allowSynchronousEvents: boolean;
  prependListener(event: 'error', listener: (err: Error & { code?: string }) => void): void;
  on(event: ReceiverEvent, listener: (this: object, ...args: never[]) => void): void;
  listeners(event: ReceiverEvent): ((...args: never[]) => void)[];
  removeListener(event: ReceiverEvent, listener: (...args: never[]) => void): void;
}

/** The Receiver events whose listeners rodeo replaces. */
type ReceiverEvent = 'message' | 'ping' | 'pong' | 'conclude';

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

/** What rodeo runs around ws's own answers (the same functions for every connection). */
export interface AnswerHooks {
  /**
   * Runs just before ws writes an answer of its own while reading — the pong to a ping, the reply
   * to a close frame — so that frames rodeo holds back can be written first.
   */
  readonly beforeAnswer: (this: object) => void;
  /**
   * Runs once the peer's close frame has been read and answered. ws only reports the close once
   * the TCP connection is gone, which a peer can delay until ws's close timer; `terminate` should
   * learn about the close when it happens, not when the socket is released.
   */
  readonly closeFrameRead: (this: object, code: number, reason: Buffer) => void;
  /**
   * A ping (after ws queued its pong) or a pong was read. ws would only emit it again on the
   * WebSocket; taking it from the Receiver spares each connection two WebSocket listeners.
   */
  readonly controlRead: (this: object, type: 'ping' | 'pong', data: Buffer) => void;
}

/** The hooks, and ws's own Receiver listeners they wrap or replace (found on first use). */
let answerHooks: AnswerHooks | undefined;
let wsOnPing: ReceiverListener | undefined;
let wsOnPong: ReceiverListener | undefined;
let wsOnConclude: ReceiverListener | undefined;
type ReceiverListener = (this: object, ...args: never[]) => void;

/**
 * Has ws's Receiver call `hooks` around ws's own answers to a ping and to a close frame: ws's
 * listeners for those two events are replaced by rodeo's, which call them in turn — one listener
 * per event, as before, so an idle connection holds nothing more. The hooks run with `this` set to
 * the Receiver (`websocketOf(this)` is its WebSocket).
 */
export function hookAnswers(ws: WebSocket, hooks: AnswerHooks): void {
  if (answerHooks !== undefined && answerHooks !== hooks) {
    throw new Error('hookAnswers takes one set of hooks for every connection');
  }
  answerHooks = hooks;
  const receiver = receiverOf(ws);
  receiverLink ??= linkTo(receiver, ws);
  wsOnPing = replaceOwnListener(receiver, 'ping', pingAnswered, wsOnPing);
  wsOnPong = replaceOwnListener(receiver, 'pong', pongRead, wsOnPong);
  wsOnConclude = replaceOwnListener(receiver, 'conclude', closeAnswered, wsOnConclude);
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

/** The WebSocket of the Receiver a `hookAnswers` or `onMessageRead` listener is called on. */
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

/**
 * Replaces ws's single listener for `event` on `receiver` by `mine`; returns ws's listener, checked
 * to be the one found on other connections (`known`).
 */
function replaceOwnListener(
  receiver: ReceiverInternals,
  event: 'ping' | 'pong' | 'conclude',
  mine: ReceiverListener,
  known: ReceiverListener | undefined,
): ReceiverListener {
  const own = receiver.listeners(event);
  const listener = own[0] as ReceiverListener | undefined;
  if (own.length !== 1 || listener === undefined || (known !== undefined && listener !== known)) {
    throw new Error(`ws internals changed: Receiver has no single '${event}' listener of ws`);
  }
  receiver.removeListener(event, listener);
  receiver.on(event, mine);
  return listener;
}

function pingAnswered(this: object, data: Buffer): void {
  answerHooks?.beforeAnswer.call(this);
  (wsOnPing as (this: object, data: Buffer) => void).call(this, data);
  answerHooks?.controlRead.call(this, 'ping', data);
}

/** In place of ws's listener, which only emits the pong on the WebSocket. */
function pongRead(this: object, data: Buffer): void {
  answerHooks?.controlRead.call(this, 'pong', data);
}

function closeAnswered(this: object, code: number, reason: Buffer): void {
  answerHooks?.beforeAnswer.call(this);
  (wsOnConclude as (this: object, code: number, reason: Buffer) => void).call(this, code, reason);
  answerHooks?.closeFrameRead.call(this, code, reason);
}

function linkTo(receiver: object, ws: WebSocket): symbol {
  const link = Object.getOwnPropertySymbols(receiver).find((s) => (receiver as Linked)[s] === ws);
  if (link === undefined) throw new Error('ws internals changed: Receiver has no kWebSocket');
  return link;
}

function floodIsTooBig(err: Error & { code?: string }): void {
  if (err.code !== 'WS_ERR_TOO_MANY_BUFFERED_PARTS') return;
  const status = Object.getOwnPropertySymbols(err).find((s) => s.description === 'status-code');
  if (status !== undefined) (err as unknown as Record<symbol, number>)[status] = 1009;
}

/** ws's Receiver of `ws`, checked. */
export function receiverOf(ws: WebSocket): ReceiverInternals {
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
