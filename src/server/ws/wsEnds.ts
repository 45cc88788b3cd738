import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Writable, type Duplex } from 'node:stream';
import type WebSocket from 'ws';

/**
 * ws ends a connection's streams more often than needed: its Receiver after the peer's close frame,
 * then again when the socket ends and when it closes; and its socket after the close handshake,
 * then again when the peer's FIN arrives. Ending a finished stream has no effect but one: Node
 * builds an error with a stack trace for it and drops it — three per connection closed by its peer,
 * about 60 µs of the 500 µs a connection costs from handshake to close on these machines. This
 * module (ws 8 internals, each checked) skips the repeated ends, and releases the socket as soon
 * as the close handshake is written instead of after the peer's FIN (`closeSocketOnceEnded`).
 */

interface EndsInternals {
  _receiver: object | null;
  _socket: Duplex | null;
}

/** ws's own 'end' listener of the socket (`socketOnEnd`); found on first use. */
let wsOnEnd: ((this: Duplex) => void) | undefined;

/** Makes the repeated ends of this connection's Receiver free; call right after the upgrade. */
export function endReceiverOnce(ws: WebSocket): void {
  const { _receiver: receiver, _socket: socket } = ws as unknown as EndsInternals;
  if (!(receiver instanceof Writable) || socket === null) {
    throw new Error('ws internals changed: Receiver is no longer a Writable');
  }
  wsOnEnd ??= socket.listeners('end').find((f) => f.name === 'socketOnEnd') as typeof wsOnEnd;
  if (wsOnEnd === undefined) throw new Error('ws internals changed: no socketOnEnd listener');
  (receiver as { end: typeof endOnce }).end = endOnce;
}

/**
 * Once the peer's close frame has been read, ws's 'end' listener has one thing left to do (its
 * ready state is already CLOSING and its Receiver ended): end the socket, which the close
 * handshake has usually done by then. Swaps it for a listener that ends the socket only if not.
 */
export function endSocketOnceAfterClose(ws: WebSocket): void {
  const socket = (ws as unknown as EndsInternals)._socket;
  if (socket === null || wsOnEnd === undefined || !socket.listeners('end').includes(wsOnEnd)) {
    return;
  }
  socket.removeListener('end', wsOnEnd);
  socket.on('end', endIfNotEnded);
}

/**
 * Once both close frames have crossed, RFC 6455 §7.1.1 has the server close the TCP connection
 * immediately (docs/semantics.md §2). ws half-closes instead — it ends the socket after its
 * close frame and keeps it until the peer's FIN arrives: one more read and one more turn of the
 * event loop per connection, for nothing, since a peer may send no data after its close frame.
 * So rodeo closes the socket as soon as its close frame is written (in the kernel's hands, which
 * sends it, then the FIN, and finishes the TCP close on its own). Call when the peer's close frame
 * is read. Only for a TCP (or TLS) socket: an HTTP/2 stream keeps ws's way, as destroying it would
 * reset the stream.
 */
export function closeSocketOnceEnded(ws: WebSocket): void {
  const socket = (ws as unknown as EndsInternals)._socket;
  if (!(socket instanceof Socket) || socket.writableFinished) return;
  if (!(socket instanceof TLSSocket) && !socket.writableEnded) {
    (socket as unknown as FinalInternals)._final = finishWithoutShutdown;
  }
  socket.once('finish', destroyFinished);
}

/** `net.Socket`'s end of writing (a stream implementer's method, `writable._final`). */
interface FinalInternals {
  _final(callback: (error?: Error | null) => void): void;
}

/**
 * Ends a plain TCP socket's writing without `shutdown(2)`: the socket is closed right after
 * ('finish', above), and closing it sends the FIN after whatever the kernel still holds, as a
 * shutdown would have — one system call less per connection (about 5 µs here). Node calls it
 * once every pending write has reached the kernel. TLS keeps its own, which sends close_notify.
 */
function finishWithoutShutdown(callback: (error?: Error | null) => void): void {
  callback();
}

function destroyFinished(this: Socket): void {
  this.destroy();
}

function endOnce(this: Writable, ...args: unknown[]): Writable {
  if (args.length === 0 && this.writableEnded) return this;
  return Writable.prototype.end.apply(this, args as Parameters<Writable['end']>);
}

function endIfNotEnded(this: Duplex): void {
  if (!this.writableEnded) this.end();
}
