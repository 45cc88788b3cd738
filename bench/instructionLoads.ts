/**
 * The loads of `instructions.ts`, by count instead of by time: each runs a given number of
 * operations against a server and resolves once all of them completed, so that the instructions
 * counted in between divide by an exact number. They speak like the bench's loader (raw sockets,
 * the same request frames, the same close sequence).
 */
import { sourceAddresses, type Target } from './loader/connect.js';
import { batches } from './loader/frames.js';
import { handshakeOnce } from './loader/handshakes.js';
import { closeAll, counterFor, openMany, requestFrame } from './loader/pool.js';

/** Many loopback source addresses, so TIME_WAIT never exhausts a port range. */
const SOURCES = sourceAddresses(200);
/** Under valgrind a server is about 50× slower: a handshake may take this long. */
const STEP_TIMEOUT_MS = 60_000;

/** Connections that keep `window` requests in flight each; `run` completes `count` requests. */
export interface PipelinedLoad {
  run(count: number): Promise<void>;
  close(): void;
}

/**
 * Opens `connections` connections to `target` for pipelined requests of `payload` bytes, each
 * answered by `framesPerRequest` frames.
 */
export async function pipelinedLoad(
  target: Target,
  shape: {
    readonly connections: number;
    readonly window: number;
    readonly payload: number;
    readonly framesPerRequest: number;
  },
): Promise<PipelinedLoad> {
  const conns = await openMany(target, shape.connections);
  const bufs = batches(requestFrame(target, shape.payload), shape.window);
  for (const { socket, leftover } of conns) {
    if (leftover.length > 0) throw new Error('unexpected bytes after the handshake');
    socket.on('error', () => undefined);
  }
  return {
    close: () => closeAll(conns),
    run: (count) =>
      new Promise<void>((resolve) => {
        let issued = 0;
        let completed = 0;
        for (const { socket } of conns) {
          const counter = counterFor(target, socket);
          let frames = 0;
          socket.removeAllListeners('data');
          socket.on('data', (chunk: Buffer) => {
            frames += counter.push(chunk);
            let done = Math.floor(frames / shape.framesPerRequest);
            frames -= done * shape.framesPerRequest;
            completed += done;
            if (completed >= count) resolve();
            // As many new requests as completed, while the count allows, in one write.
            done = Math.min(done, count - issued);
            if (done > 0) {
              issued += done;
              socket.write(bufs[done] as Buffer);
            }
          });
          socket.resume();
          const first = Math.min(shape.window, count - issued);
          if (first > 0) {
            issued += first;
            socket.write(bufs[first] as Buffer);
          }
        }
      }),
  };
}

/**
 * Runs `count` handshakes against `target`, `concurrency` at a time: connect, upgrade, one echo of
 * `payload` bytes, close frame, and the end of the TCP connection once the server's close arrived.
 */
export async function handshakeLoad(
  target: Target,
  count: number,
  shape: { readonly concurrency: number; readonly payload: number },
): Promise<void> {
  const echo = requestFrame(target, shape.payload);
  let started = 0;
  let source = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      await handshakeOnce(target, echo, SOURCES[source++ % SOURCES.length], STEP_TIMEOUT_MS);
    }
  };
  await Promise.all(Array.from({ length: shape.concurrency }, worker));
}
