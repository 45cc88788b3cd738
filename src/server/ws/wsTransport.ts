import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { OutFrame } from '../../handler/frames.js';
import type { SendOutcome } from '../../operators/port.js';
import { wsMessageLimits } from '../limits.js';
import {
  dataFrameBuffers,
  frameBuffers,
  headerSize,
  payloadOf,
  type DataFrame,
} from './dataFrames.js';
import { ReceivedText } from './receivedText.js';
import { forwardSocketEvents } from './socketEvents.js';
import type { SerializedFrame, SerializedOutcome, Transport, TransportSink } from '../transport.js';
import {
  deflateParams,
  releaseDeflateContexts,
  senderIsIdle,
  setMessageLimits,
} from './wsInternals.js';

/** Where the outbound queue's size is recorded (the server's metrics: its peak). */
export interface QueueMeter {
  queued(bytes: number): void;
}

/**
 * The transport port on `ws`: a WebSocket over HTTP/1.1. Writes are corked for the rest of the
 * tick, so the frames of one result — and everything produced while handling one read — leave in
 * one write; the outbound queue is bounded (`maxQueueBytes`). Reading, compression and limits map
 * onto ws (its private fields only through `wsInternals`); events come from `socketEvents`.
 *
 * A class with the connection's state in fields, so that an idle connection holds no closures.
 */
export class WsTransport implements Transport {
  readonly ws: WebSocket;
  readonly #socket: Duplex;
  readonly #maxQueueBytes: number;
  readonly #maxFragments: number | undefined;
  readonly #meter: QueueMeter;
  readonly compressed: boolean;
  /** Where events go, once `listen` was called. */
  sink: TransportSink | undefined;
  /** The message size limit in force (bytes, or `Infinity`). */
  maxMessageSize = 0;
  /** Events ws emitted in the current read (`socketEvents` counts them). */
  burst = 0;
  #compress = true;
  #corked = false;
  /**
   * With permessage-deflate a data frame stays inside ws after `send` returns (while it is
   * compressed, and everything behind it): those are counted, so hibernation waits for them.
   */
  #inFlight = 0;
  #idleListeners: (() => void)[] | undefined;
  /** ws's completion callback for compressed sends, created on the first one. */
  #sent: (() => void) | undefined;

  constructor(
    ws: WebSocket,
    socket: Duplex,
    limits: {
      readonly maxQueueBytes: number;
      /** Told the outbound queue's size whenever a write finds it not empty. */
      readonly meter: QueueMeter;
      readonly maxFragments: number | undefined;
      readonly maxMessageSize: number;
    },
  ) {
    this.ws = ws;
    this.#socket = socket;
    this.#maxQueueBytes = limits.maxQueueBytes;
    this.#maxFragments = limits.maxFragments;
    this.#meter = limits.meter;
    this.compressed = deflateParams(ws) !== undefined;
    this.setMaxMessageSize(limits.maxMessageSize);
  }

  get queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  listen(sink: TransportSink): void {
    this.sink = sink;
    forwardSocketEvents(this.ws, this.#socket, this);
    if (this.#socket.destroyed) sink.released();
  }

  send(frames: readonly OutFrame[]): SendOutcome {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) return 'sent';
    this.#cork();
    for (let i = 0; i < frames.length;) {
      const frame = frames[i] as OutFrame;
      // ws has nothing queued: data frames are serialized here and written as ws would, without
      // ws.send's per-frame work (and its send code, which V8 drops as connections go).
      if (isData(frame) && !this.compressed && senderIsIdle(ws)) {
        let end = i + 1;
        while (end < frames.length && isData(frames[end] as OutFrame)) end++;
        if (!this.#writeData(frames, i, end)) return 'overflow';
        i = end;
      } else {
        if (!this.#write(frame)) return 'overflow';
        i++;
      }
    }
    return 'sent';
  }

  sendSerialized(serialized: SerializedFrame): SerializedOutcome {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) return 'closed';
    // Behind a send that ws is still compressing, raw bytes would overtake it: use ws's queue.
    if (!senderIsIdle(ws)) return this.send([serialized.frame]);
    this.#cork();
    return this.#writeBuffers(serialized.buffers) ? 'sent' : 'overflow';
  }

  setReading(on: boolean): void {
    if (on) this.ws.resume();
    else this.ws.pause();
  }

  setCompression(on: boolean): void {
    this.#compress = on;
  }

  setMaxMessageSize(bytes: number): void {
    this.maxMessageSize = bytes;
    setMessageLimits(this.ws, wsMessageLimits(bytes, this.compressed, this.#maxFragments));
  }

  hibernate(done: (released: number) => void): void {
    // After the frames already returned are compressed and written, and after the current I/O
    // callback has unwound: closing zlib inside its own flush callback is unsafe.
    this.#whenIdle(() =>
      setImmediate(() =>
        done(this.sink?.forwarding === true ? releaseDeflateContexts(this.ws) : 0),
      ),
    );
  }

  finish(abrupt: boolean): void {
    // Without a close handshake to wait for (socket error, peer vanished), release the socket now.
    if (abrupt) this.ws.terminate();
    // A paused socket could never read the peer's close reply: read again to finish the handshake.
    else if (this.ws.isPaused) this.ws.resume();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Ends the batch started by `#cork` (run on the next tick). */
  uncork(): void {
    this.#corked = false;
    this.#socket.uncork();
  }

  /** Writes serialized bytes; `false` if they would pass the outbound bound (nothing is written). */
  #writeBuffers(buffers: readonly Buffer[]): boolean {
    if (!this.#fits(buffers)) return false;
    for (const buffer of buffers) this.#socket.write(buffer);
    return true;
  }

  /**
   * Writes the data frames `frames[from]` to `frames[to - 1]` serialized, small ones sharing a
   * buffer; `false` if one would pass the outbound bound (those before it are written, it and
   * the rest are not).
   */
  #writeData(frames: readonly OutFrame[], from: number, to: number): boolean {
    if (to - from === 1) return this.#writeBuffers(frameBuffers(frames[from] as DataFrame));
    const payloads: Buffer[] = [];
    let taken = 0;
    let end = from;
    for (; end < to; end++) {
      const payload = payloadOf(frames[end] as DataFrame);
      const size = headerSize(payload.length) + payload.length;
      // As if each frame were written alone, behind the ones taken before it.
      if (!this.#fits(size, taken)) break;
      payloads.push(payload);
      taken += size;
    }
    for (const buffer of dataFrameBuffers(frames, payloads, from, end)) this.#socket.write(buffer);
    return end === to;
  }

  /** Writes one frame through ws; `false` if it would pass the outbound bound (it is not queued). */
  #write(frame: OutFrame): boolean {
    const ws = this.ws;
    switch (frame.type) {
      case 'text':
      case 'binary': {
        // A received text frame sent back as is goes out as the bytes it came in as.
        const data =
          frame.type === 'text' ? (ReceivedText.bytesOf(frame) ?? frame.data) : frame.data;
        if (!this.#fits(typeof data === 'string' ? data : data.byteLength)) return false;
        const options = { binary: frame.type === 'binary', compress: this.#compress };
        if (this.compressed) {
          this.#inFlight++;
          ws.send(data, options, (this.#sent ??= () => this.#onSent()));
        } else ws.send(data, options);
        return true;
      }
      case 'ping':
        ws.ping(frame.data);
        return true;
      case 'pong':
        ws.pong(frame.data);
        return true;
      case 'close':
        if (frame.code === undefined) ws.close();
        else ws.close(frame.code, frame.reason);
        return true;
    }
  }

  // Everything written until the next tick is batched into one write (one TCP segment when small).
  #cork(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.#socket.cork();
    process.nextTick(uncork, this);
  }

  /**
   * Whether a message of `size` (a string or buffers are measured only if needed) fits, behind
   * `ahead` bytes about to be written.
   */
  #fits(size: number | string | readonly Buffer[], ahead = 0): boolean {
    const queued = this.ws.bufferedAmount + ahead;
    // An empty queue always takes one message, so a message larger than the bound can still go
    // (and the common case, an empty queue, never measures the message).
    if (queued === 0) return true;
    this.#meter.queued(queued);
    return queued + byteLength(size) <= this.#maxQueueBytes;
  }

  /** Runs `listener` once no compressed send is in flight (at once if none is). */
  #whenIdle(listener: () => void): void {
    if (this.#inFlight === 0) listener();
    else (this.#idleListeners ??= []).push(listener);
  }

  #onSent(): void {
    if (--this.#inFlight !== 0 || this.#idleListeners === undefined) return;
    for (const listener of this.#idleListeners.splice(0)) listener();
  }
}

function isData(frame: OutFrame): frame is DataFrame {
  return frame.type === 'text' || frame.type === 'binary';
}

function uncork(transport: WsTransport): void {
  transport.uncork();
}

function byteLength(size: number | string | readonly Buffer[]): number {
  if (typeof size === 'number') return size;
  if (typeof size === 'string') return Buffer.byteLength(size);
  return size.reduce((sum, buffer) => sum + buffer.length, 0);
}
