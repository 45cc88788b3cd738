import type { ConnectionRef } from '../handler/context.js';
import type { SerializedFrame } from './transport.js';

/**
 * What the server knows about a live connection's ref beyond its public face: a way to write an
 * already-serialized frame straight to its socket (broadcast), and end notifications (the registry
 * frees names and memberships with them). A server's refs keep their connection in a private field,
 * so a ref carries no extra public API and finding the outlet costs no table entry per connection.
 */

/** The server side of a connection ref. */
export interface Outlet {
  /** Writes `frame`, serialized once for many sockets; `false` if not written. */
  writeSerialized(frame: SerializedFrame): boolean;
  /** Runs `listener` once when the connection ends (at once if it already has). */
  onEnd(listener: () => void): void;
}

/** What a server ref needs from its connection: the mailbox behind `send` and `closed`. */
export interface Mailbox<I> extends Outlet {
  /** Queues `info` for `websocketInfo`; `false` (nothing queued) once the connection is ending. */
  deliver(info: I): boolean;
  /** Whether the connection has ended or is in its `terminate`. */
  readonly closed: boolean;
}

/** A connection ref made by this process's server. One small object per connection, no closures. */
export class ServerRef<I> implements ConnectionRef<I> {
  readonly #mailbox: Mailbox<I>;

  constructor(
    readonly id: string,
    mailbox: Mailbox<I>,
  ) {
    this.#mailbox = mailbox;
  }

  /** The outlet of a ref made by this process's server, if `ref` is one. */
  static outletOf(ref: object): Outlet | undefined {
    return #mailbox in ref ? ref.#mailbox : undefined;
  }

  send(info: I): boolean {
    return this.#mailbox.deliver(info);
  }

  get closed(): boolean {
    return this.#mailbox.closed;
  }

  /** Serializes as the plain `{ id, closed }` object refs used to be (loggers print refs). */
  toJSON(): { id: string; closed: boolean } {
    return { id: this.id, closed: this.closed };
  }
}

/** The outlet of a ref made by this process's server, if any. */
export function outletOf(ref: ConnectionRef<unknown>): Outlet | undefined {
  return ServerRef.outletOf(ref);
}
