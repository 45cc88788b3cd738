import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { OutFrame } from '../../handler/frames.js';
import type { SendOutcome } from '../../operators/port.js';
import { wsMessageLimits } from '../limits.js';
import {
  COPY_LIMIT,
  MAX_STAGE_BYTES,
  OPCODES,
  grownStage,
  headerSize,
  isData,
  payloadOf,
  putFrame,
  serverFrame,
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
 * The transport port on `ws`: a WebSocket over HTTP/1.1 (or an HTTP/2 stream). What is written in
 * one tick — the frames of one result, everything produced while handling one read — leaves in one
 * write: small data frames are serialized into one staging buffer (`flush` writes it), and the
 * socket is corked until the next tick for what ws writes itself. Whenever something else is about
 * to write — every call into ws here, and ws's own answers and ends (`socketEvents`) — the staged
 * frames are written first, so the order on the wire is the order of the calls. The outbound queue
 * is bounded (`maxQueueBytes`). Reading, compression and limits map onto ws (its private fields
 * only through `wsInternals`); events come from `socketEvents`.
 *
 * A class with the connection's state in fields, so that an idle connection holds no closures (and
 * no staging buffer: it is dropped once written).
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
  /** This tick's staging buffer (frames serialized, not yet written), the bytes used, the last's. */
  #stage: Buffer | undefined;
  #staged = 0;
  #lastStaged = 0;

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
    return this.ws.bufferedAmount + this.#staged;
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
    // ws has nothing queued: data frames are serialized here, without ws.send's per-frame work
    // (and its send code, which V8 drops as connections go). Control frames go through ws.
    const direct = !this.compressed && senderIsIdle(ws);
    for (const frame of frames) {
      if (direct && isData(frame) ? !this.#writeData(frame) : !this.#write(frame)) {
        return 'overflow';
      }
    }
    return 'sent';
  }

  sendSerialized(serialized: SerializedFrame): SerializedOutcome {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) return 'closed';
    // Behind a send that ws is still compressing, raw bytes would overtake it: use ws's queue.
    if (!senderIsIdle(ws)) return this.send([serialized.frame]);
    const buffers = serialized.buffers;
    if (!this.#fits(buffers)) return 'overflow';
    this.#cork();
    const only = buffers.length === 1 ? buffers[0] : undefined;
    if (only === undefined || only.length > COPY_LIMIT) this.#writeOut(buffers);
    else {
      this.#room(only.length).set(only, this.#staged);
      this.#staged += only.length;
    }
    return 'sent';
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

  /** Ends the batch started by `#cork` (run on the next tick): writes what is staged, uncorks. */
  uncork(): void {
    this.#corked = false;
    this.flush();
    this.#socket.uncork();
  }

  /** Writes the staged frames: at the tick's end, and before anything else writes to the socket. */
  flush(): void {
    const stage = this.#stage;
    if (stage === undefined) return;
    const used = (this.#lastStaged = this.#staged);
    this.#stage = undefined;
    this.#staged = 0;
    // Destroyed meanwhile (the peer is gone, or the connection was terminated): nothing to write to.
    if (this.#socket.writable)
      this.#socket.write(used === stage.length ? stage : stage.subarray(0, used));
  }

  /**
   * Stages a data frame (a large payload is written as it is, behind its header); `false` if it
   * would pass the outbound bound (nothing is written).
   */
  #writeData(frame: DataFrame): boolean {
    const payload = payloadOf(frame);
    const length = payload.length;
    const size = headerSize(length) + length;
    if (!this.#fits(size)) return false;
    const opcode = frame.type === 'binary' ? OPCODES.binary : OPCODES.text;
    if (length > COPY_LIMIT) {
      this.#writeOut(serverFrame(opcode, payload));
      return true;
    }
    const stage = this.#room(size);
    this.#staged = putFrame(stage, this.#staged, opcode, payload);
    return true;
  }

  /** The staging buffer, with room for `size` more bytes (grown, or a fresh one, if needed). */
  #room(size: number): Buffer {
    const stage = this.#stage;
    const used = this.#staged;
    if (stage !== undefined && stage.length - used >= size) return stage;
    if (stage !== undefined && used + size <= MAX_STAGE_BYTES) {
      return (this.#stage = grownStage(stage, used, size));
    }
    this.flush();
    // As large as the last one: a connection's ticks tend to look alike (bursts, replies of 10).
    return (this.#stage = Buffer.allocUnsafe(size > this.#lastStaged ? size : this.#lastStaged));
  }

  /** Writes buffers to the socket as they are, behind what is staged. */
  #writeOut(buffers: readonly Buffer[]): void {
    this.flush();
    for (const buffer of buffers) this.#socket.write(buffer);
  }

  /** Writes one frame through ws; `false` if it would pass the outbound bound (it is not queued). */
  #write(frame: OutFrame): boolean {
    const ws = this.ws;
    // What is staged goes first.
    this.flush();
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

  /** Whether a message of `size` (a string or buffers are measured only if needed) fits. */
  #fits(size: number | string | readonly Buffer[]): boolean {
    const queued = this.ws.bufferedAmount + this.#staged;
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

function uncork(transport: WsTransport): void {
  transport.uncork();
}

function byteLength(size: number | string | readonly Buffer[]): number {
  if (typeof size === 'number') return size;
  if (typeof size === 'string') return Buffer.byteLength(size);
  return size.reduce((sum, buffer) => sum + buffer.length, 0);
}
