import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { OutFrame } from '../handler/frames.js';
import type { MetricsRecorder } from './metrics.js';
import { senderIsIdle } from './wsInternals.js';

/**
 * Applies outgoing frames to one connection's socket: in order, corked so that the frames of one
 * result (everything emitted in the same tick) leave in one write, and bounded: once the bytes
 * waiting in user space would pass `maxQueueBytes`, the frame is not queued and `onOverflow` ends
 * the connection with `backpressure` instead of letting a non-reading peer grow the heap.
 */

/** What a writer needs. */
export interface WriterSetup {
  readonly ws: WebSocket;
  readonly socket: Duplex;
  readonly maxQueueBytes: number;
  readonly metrics: MetricsRecorder;
  /** Called (once per overflowing frame) when the queue bound would be passed. */
  readonly onOverflow: () => void;
}

/** One connection's writer. */
export interface Writer {
  /** Sends a frame (close frames start ws's closing handshake). */
  frame(frame: OutFrame): void;
  /**
   * Writes `frame`, already serialized as `buffers` (broadcast: built once for every member);
   * `false` if the connection cannot take it.
   */
  serialized(buffers: readonly Buffer[], frame: OutFrame): boolean;
  /** Compress following data frames (only meaningful if permessage-deflate was negotiated). */
  setCompress(on: boolean): void;
  /**
   * Runs `listener` once every data frame sent so far has left ws (compressed and written), or at
   * once if none is in flight: compression is asynchronous, and hibernate must not pull the
   * compressor out from under a message.
   */
  whenIdle(listener: () => void): void;
}

/** Creates the writer of one connection. */
export function createWriter(setup: WriterSetup): Writer {
  const { ws, socket, maxQueueBytes, metrics } = setup;
  let compress = true;
  let corked = false;
  let inFlight = 0;
  const idleListeners: (() => void)[] = [];
  const sent = (): void => {
    if (--inFlight === 0) for (const listener of idleListeners.splice(0)) listener();
  };

  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  // Everything written until the next tick is batched into one write (one TCP segment when small).
  const cork = (): void => {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(uncork);
  };
  const fits = (bytes: () => number): boolean => {
    const queued = ws.bufferedAmount;
    // An empty queue always takes one message, so a message larger than the bound can still go
    // (and the common case, an empty queue, never measures the message).
    if (queued > 0 && queued + bytes() > maxQueueBytes) {
      setup.onOverflow();
      return false;
    }
    return true;
  };
  const written = (): void => {
    metrics.frameOut();
    metrics.queued(ws.bufferedAmount);
  };

  return {
    frame(frame) {
      if (ws.readyState !== WebSocket.OPEN) return;
      switch (frame.type) {
        case 'text':
        case 'binary': {
          const data = frame.data;
          if (!fits(() => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength))) {
            return;
          }
          cork();
          inFlight++;
          ws.send(frame.data, { binary: frame.type === 'binary', compress }, sent);
          break;
        }
        case 'ping':
          cork();
          ws.ping(frame.data);
          break;
        case 'pong':
          cork();
          ws.pong(frame.data);
          break;
        case 'close':
          cork();
          if (frame.code === undefined) ws.close();
          else ws.close(frame.code, frame.reason);
          break;
      }
      written();
    },
    serialized(buffers, frame) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      // Behind a send that ws is still compressing, raw bytes would overtake it: use ws's queue.
      if (!senderIsIdle(ws)) {
        this.frame(frame);
        return ws.readyState === WebSocket.OPEN;
      }
      if (!fits(() => buffers.reduce((sum, buffer) => sum + buffer.length, 0))) return false;
      cork();
      for (const buffer of buffers) socket.write(buffer);
      written();
      return true;
    },
    setCompress(on) {
      compress = on;
    },
    whenIdle(listener) {
      if (inFlight === 0) listener();
      else idleListeners.push(listener);
    },
  };
}
