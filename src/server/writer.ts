import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { OutFrame } from '../handler/frames.js';
import type { MetricsRecorder } from './metrics.js';
import { ReceivedText } from './receivedText.js';
import { deflateParams, senderIsIdle } from './wsInternals.js';

/**
 * Applies outgoing frames to one connection's socket: in order, corked so that the frames of one
 * result (everything emitted in the same tick) leave in one write, and bounded: once the bytes
 * waiting in user space would pass `maxQueueBytes`, the frame is not queued and the owner's
 * `onOverflow` ends the connection with `backpressure` instead of letting a non-reading peer grow
 * the heap.
 *
 * A class with the connection's state in fields, so that an idle connection holds no closures.
 */

/** Who is told when a frame would pass the queue bound (the session, as an object: no closure). */
export interface OverflowListener {
  /** Called (once per overflowing frame) when the queue bound would be passed. */
  onOverflow(): void;
}

/** One connection's writer. */
export class Writer {
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #maxQueueBytes: number;
  readonly #metrics: MetricsRecorder;
  readonly #owner: OverflowListener;
  /**
   * Only with permessage-deflate can a data frame stay inside ws after `send` returns (while it is
   * compressed, and everything behind it); without it, `send` hands the frame to the socket at once.
   */
  readonly #tracksSends: boolean;
  #compress = true;
  #corked = false;
  #inFlight = 0;
  #idleListeners: (() => void)[] | undefined;
  /** ws's completion callback for compressed sends, created on the first one. */
  #sent: (() => void) | undefined;

  constructor(
    ws: WebSocket,
    socket: Duplex,
    maxQueueBytes: number,
    metrics: MetricsRecorder,
    owner: OverflowListener,
  ) {
    this.#ws = ws;
    this.#socket = socket;
    this.#maxQueueBytes = maxQueueBytes;
    this.#metrics = metrics;
    this.#owner = owner;
    this.#tracksSends = deflateParams(ws) !== undefined;
  }

  /** Sends a frame (close frames start ws's closing handshake). */
  frame(frame: OutFrame): void {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    switch (frame.type) {
      case 'text':
      case 'binary': {
        // A received text frame sent back as is goes out as the bytes it came in as.
        const data =
          frame.type === 'text' ? (ReceivedText.bytesOf(frame) ?? frame.data) : frame.data;
        if (!this.#fits(typeof data === 'string' ? data : data.byteLength)) return;
        this.#cork();
        const options = { binary: frame.type === 'binary', compress: this.#compress };
        if (this.#tracksSends) {
          this.#inFlight++;
          ws.send(data, options, (this.#sent ??= () => this.#onSent()));
        } else {
          ws.send(data, options);
        }
        break;
      }
      case 'ping':
        this.#cork();
        ws.ping(frame.data);
        break;
      case 'pong':
        this.#cork();
        ws.pong(frame.data);
        break;
      case 'close':
        this.#cork();
        if (frame.code === undefined) ws.close();
        else ws.close(frame.code, frame.reason);
        break;
    }
    this.#written();
  }

  /**
   * Writes `frame`, already serialized as `buffers` (broadcast: built once for every member);
   * `false` if the connection cannot take it.
   */
  serialized(buffers: readonly Buffer[], frame: OutFrame): boolean {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    // Behind a send that ws is still compressing, raw bytes would overtake it: use ws's queue.
    if (!senderIsIdle(ws)) {
      this.frame(frame);
      return ws.readyState === WebSocket.OPEN;
    }
    if (!this.#fits(buffers)) return false;
    this.#cork();
    for (const buffer of buffers) this.#socket.write(buffer);
    this.#written();
    return true;
  }

  /** Compress following data frames (only meaningful if permessage-deflate was negotiated). */
  setCompress(on: boolean): void {
    this.#compress = on;
  }

  /**
   * Runs `listener` once every data frame sent so far has left ws (with permessage-deflate: been
   * compressed and written; without it, `send` already handed it to the socket), or at once if none
   * is in flight: compression is asynchronous, and hibernate must not pull the compressor out from
   * under a message.
   */
  whenIdle(listener: () => void): void {
    if (this.#inFlight === 0) listener();
    else (this.#idleListeners ??= []).push(listener);
  }

  /** Ends the batch started by `#cork` (run on the next tick). */
  uncork(): void {
    this.#corked = false;
    this.#socket.uncork();
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
    const queued = this.#ws.bufferedAmount;
    // An empty queue always takes one message, so a message larger than the bound can still go
    // (and the common case, an empty queue, never measures the message).
    if (queued > 0 && queued + byteLength(size) > this.#maxQueueBytes) {
      this.#owner.onOverflow();
      return false;
    }
    return true;
  }

  #written(): void {
    this.#metrics.frameOut();
    this.#metrics.queued(this.#ws.bufferedAmount);
  }

  #onSent(): void {
    if (--this.#inFlight !== 0 || this.#idleListeners === undefined) return;
    for (const listener of this.#idleListeners.splice(0)) listener();
  }
}

function uncork(writer: Writer): void {
  writer.uncork();
}

function byteLength(size: number | string | readonly Buffer[]): number {
  if (typeof size === 'number') return size;
  if (typeof size === 'string') return Buffer.byteLength(size);
  return size.reduce((sum, buffer) => sum + buffer.length, 0);
}
