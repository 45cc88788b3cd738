/** Opening many loader connections at once, and the request each scenario sends. */
import type { Duplex } from 'node:stream';
import { openConnection, sourceAddresses, type OpenConnection, type Target } from './connect.js';
import { clientFrame, deflatedTextFrame, FrameCounter } from './frames.js';

/** Connections opened at the same time. */
const OPEN_PARALLEL = 200;
/** Loopback source addresses used round-robin: 10 000 connections need more than one port range. */
const SOURCES = sourceAddresses(8);
const SIO_PONG = clientFrame(Buffer.from('3'));

/**
 * Opens `count` connections, `OPEN_PARALLEL` at a time (to one target, or to `target(i)` for the
 * i-th).
 *
 * @return The connections, paused, in opening order.
 */
export async function openMany(
  target: Target | ((i: number) => Target),
  count: number,
): Promise<OpenConnection[]> {
  const out: OpenConnection[] = [];
  const targetOf = typeof target === 'function' ? target : () => target;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await openConnection(targetOf(i), SOURCES[i % SOURCES.length]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_PARALLEL, count) }, worker));
  return out;
}

/** A counter for one connection that answers Engine.IO pings when speaking Socket.IO. */
export function counterFor(target: Target, socket: Duplex): FrameCounter {
  return target.sio
    ? new FrameCounter((payload) => {
        if (payload.length === 1 && payload[0] === 0x32) socket.write(SIO_PONG);
      })
    : new FrameCounter();
}

/**
 * The request frame: `bytes` of text, wrapped as a Socket.IO `echo` event when speaking Socket.IO,
 * compressed when `deflate` is set.
 */
export function requestFrame(target: Target, bytes: number, deflate = false): Buffer {
  const body = 'x'.repeat(bytes);
  const text = Buffer.from(target.sio ? `42["echo","${body}"]` : body);
  return deflate ? deflatedTextFrame(text) : clientFrame(text);
}

/** Destroys every socket. */
export function closeAll(conns: readonly OpenConnection[]): void {
  for (const c of conns) c.socket.destroy();
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
