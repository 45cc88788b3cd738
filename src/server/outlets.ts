import type { ConnectionRef } from '../handler/context.js';
import type { OutFrame } from '../handler/frames.js';

/**
 * What the server knows about a live connection's ref beyond its public face: a way to write an
 * already-serialized frame straight to its socket (broadcast), and end notifications (the registry
 * frees names and memberships with them). Kept in a WeakMap so a ref carries no extra public API
 * and nothing is kept alive by this table.
 */

/** The server side of a connection ref. */
export interface Outlet {
  /** Writes `frame`, serialized once for many sockets as `buffers`; `false` if not written. */
  writeSerialized(buffers: readonly Buffer[], frame: OutFrame): boolean;
  /** Runs `listener` once when the connection ends (at once if it already has). */
  onEnd(listener: () => void): void;
}

const outlets = new WeakMap<ConnectionRef<unknown>, Outlet>();

/** Links a ref to its outlet for the connection's lifetime. */
export function registerOutlet(ref: ConnectionRef<unknown>, outlet: Outlet): void {
  outlets.set(ref, outlet);
}

/** The outlet of a ref made by this process's server, if any. */
export function outletOf(ref: ConnectionRef<unknown>): Outlet | undefined {
  return outlets.get(ref);
}
