import type { ConnectionRef } from '../handler/context.js';
import { RodeoError } from '../handler/errors.js';
import type { OutFrame } from '../handler/frames.js';
import { validateCommand } from '../handler/validate.js';
import { outletOf } from './outlets.js';
import type { SerializedFrame } from './transport.js';
import { frameBuffers } from './ws/dataFrames.js';

/**
 * Names and groups of connections, Erlang-style (`register`/`whereis`, `pg` groups). Handlers only
 * see the `Registry` interface, so the same handler runs on the in-process `LocalRegistry` and on a
 * registry that spans processes (`rodeo/redis`). The one call a network can make slow, `register`,
 * may answer with a promise (it does across processes; in process it answers at once).
 */

/**
 * Where connections find each other, Erlang-style: names (`register`/`whereis`), groups
 * (`join`/`members`, like `pg`), and delivery to them (`send`, `publish`, `broadcast`). Handlers
 * reach it through their server's {@link RodeoServer.registry} (or a module-level one passed in
 * {@link ServerOptions.registry}). Every connection leaves its names and groups when it ends, in
 * time proportional to what it held.
 *
 * @sortStrategy source-order
 */
export interface Registry {
  /**
   * Names `ref`; `false` if the name is taken. In process the answer comes at once; a registry
   * spanning processes must ask the network and answers with a promise (also `false` when the name
   * could not be claimed everywhere). `await` works for both. The name is freed when the connection
   * ends.
   */
  register(name: string, ref: AnyRef): boolean | Promise<boolean>;
  /**
   * Frees `name` if `ref` holds it, so a connection can give up a name while it lives (a chat
   * member changing nick); `false`, and nothing changes, if another connection or nobody holds it.
   */
  unregister(name: string, ref: AnyRef): boolean;
  /** The connection registered under `name`, if it is still alive. */
  whereis<I>(name: string): ConnectionRef<I> | undefined;
  /** Adds `ref` to `group` (no-op if already in it); it leaves when the connection ends. */
  join(group: string, ref: AnyRef): void;
  /** Removes `ref` from `group`. */
  leave(group: string, ref: AnyRef): void;
  /** The live members of `group`, in join order. */
  members(group: string): readonly ConnectionRef<unknown>[];
  /**
   * The groups `ref` is in (for a connection of another process, as last heard there): with one
   * group per attribute (`nick:ann`), a member list can say who everyone is.
   */
  groupsOf(ref: AnyRef): readonly string[];
  /** Sends `info` to the named connection's mailbox; `false` if there is none. */
  send<I>(name: string, info: I): boolean;
  /** Sends `info` to every member's mailbox; returns how many accepted it. */
  publish<I>(group: string, info: I): number;
  /**
   * Writes `frame` straight to every member's socket, bypassing handlers; the frame is serialized
   * once for all members. Close frames are refused (closing is each handler's decision). Returns
   * how many members it was written to.
   */
  broadcast(group: string, frame: OutFrame): number;
  /**
   * A fresh connection id for the server to give its next connection's ref. Optional: without it
   * the server numbers connections `c1`, `c2`, … per process; a registry whose refs are seen by
   * other processes prefixes them so they stay unique there.
   */
  connectionId?(): string;
}

/**
 * What a registry built on {@link LocalRegistry} is told when one of its refs ends
 * ({@link LocalRegistryOptions.onEnd}): the ref and the names and groups it held, already freed.
 */
export type RefEndListener = (
  ref: ConnectionRef<unknown>,
  names: ReadonlySet<string>,
  groups: ReadonlySet<string>,
) => void;

/** Options of {@link LocalRegistry}. */
export interface LocalRegistryOptions {
  /**
   * Called once when a ref that held names or groups ends, after they were freed, with what it
   * held (a registry spanning processes announces the end with it).
   */
  readonly onEnd?: RefEndListener;
}

/** Any connection's ref, whatever its info type (shown as `ConnectionRef<unknown>`). @inline */
type AnyRef = ConnectionRef<unknown>;

/** What one ref holds: kept per ref so that its end costs O(its own names and groups). */
interface Holdings {
  readonly names: Set<string>;
  readonly groups: Set<string>;
}

const NOTHING_HELD: { names: ReadonlySet<string>; groups: ReadonlySet<string> } = Object.freeze({
  names: new Set<string>(),
  groups: new Set<string>(),
});

let lastConnectionId = 0;

/** The process-wide connection id sequence: `c1`, `c2`, … */
export function nextConnectionId(): string {
  return `c${++lastConnectionId}`;
}

/**
 * The in-process registry, the default of {@link serve} and {@link attach}: every operation
 * answers at once, and a connection's end frees its names and groups in time proportional to
 * them. Refs that were not made by a server here (a test's, another node's) are dropped lazily,
 * once seen closed.
 */
export class LocalRegistry implements Registry {
  readonly #names = new Map<string, AnyRef>();
  readonly #groups = new Map<string, Set<AnyRef>>();
  readonly #held = new WeakMap<AnyRef, Holdings>();
  readonly #onEnd: RefEndListener | undefined;

  /** @param options `onEnd`, for a registry built on this one. */
  constructor(options: LocalRegistryOptions = {}) {
    this.#onEnd = options.onEnd;
  }

  /** Answers at once: in process nothing needs waiting for. */
  register(name: string, ref: AnyRef): boolean {
    const current = this.whereis(name);
    if (current !== undefined) return current === ref;
    if (ref.closed) return false;
    this.#names.set(name, ref);
    this.#holdings(ref).names.add(name);
    return true;
  }

  unregister(name: string, ref: AnyRef): boolean {
    if (this.#names.get(name) !== ref) return false;
    this.#names.delete(name);
    this.#held.get(ref)?.names.delete(name);
    return true;
  }

  whereis<I>(name: string): ConnectionRef<I> | undefined {
    const ref = this.#names.get(name);
    if (ref === undefined) return undefined;
    // Refs made elsewhere have no end notification: drop them lazily once closed.
    if (ref.closed) {
      this.unregister(name, ref);
      return undefined;
    }
    return ref as ConnectionRef<I>;
  }

  join(group: string, ref: AnyRef): void {
    if (ref.closed) return;
    let members = this.#groups.get(group);
    if (members === undefined) this.#groups.set(group, (members = new Set()));
    members.add(ref);
    this.#holdings(ref).groups.add(group);
  }

  leave(group: string, ref: AnyRef): void {
    const members = this.#groups.get(group);
    if (members === undefined) return;
    members.delete(ref);
    this.#held.get(ref)?.groups.delete(group);
    if (members.size === 0) this.#groups.delete(group);
  }

  members(group: string): readonly AnyRef[] {
    const members = this.#groups.get(group);
    if (members === undefined) return [];
    const live: AnyRef[] = [];
    for (const ref of members) {
      if (ref.closed) this.leave(group, ref);
      else live.push(ref);
    }
    return live;
  }

  groupsOf(ref: AnyRef): readonly string[] {
    const held = this.#held.get(ref);
    return held === undefined || ref.closed ? [] : [...held.groups];
  }

  /**
   * The names and groups `ref` holds here (empty sets if none), for a registry built on this one:
   * live views, which change as `ref` registers, joins and leaves.
   */
  holdingsOf(ref: AnyRef): {
    /** The names `ref` is registered under. */
    names: ReadonlySet<string>;
    /** The groups `ref` is a member of. */
    groups: ReadonlySet<string>;
  } {
    return this.#held.get(ref) ?? NOTHING_HELD;
  }

  send<I>(name: string, info: I): boolean {
    return this.whereis<I>(name)?.send(info) ?? false;
  }

  publish<I>(group: string, info: I): number {
    let count = 0;
    for (const ref of this.members(group)) if ((ref as ConnectionRef<I>).send(info)) count++;
    return count;
  }

  broadcast(group: string, frame: OutFrame): number {
    return this.writeSerialized(group, serializeBroadcast(frame));
  }

  /**
   * Writes an already serialized frame to every local member (a broadcast from another node).
   *
   * @internal
   */
  writeSerialized(group: string, serialized: SerializedFrame): number {
    let count = 0;
    for (const ref of this.members(group)) {
      if (outletOf(ref)?.writeSerialized(serialized) === true) count++;
    }
    return count;
  }

  connectionId(): string {
    return nextConnectionId();
  }

  /** The ref's holdings, created (and its end watched) on its first name or group. */
  #holdings(ref: AnyRef): Holdings {
    let held = this.#held.get(ref);
    if (held === undefined) {
      held = { names: new Set(), groups: new Set() };
      this.#held.set(ref, held);
      outletOf(ref)?.onEnd(() => this.#ended(ref));
    }
    return held;
  }

  /** Frees exactly what the ended ref held: O(its names + its groups), never O(table). */
  #ended(ref: AnyRef): void {
    const held = this.#held.get(ref);
    if (held === undefined) return;
    this.#held.delete(ref);
    for (const name of held.names) if (this.#names.get(name) === ref) this.#names.delete(name);
    for (const group of held.groups) {
      const members = this.#groups.get(group);
      members?.delete(ref);
      if (members?.size === 0) this.#groups.delete(group);
    }
    this.#onEnd?.(ref, held.names, held.groups);
  }
}

/** Checks a broadcast frame (close frames refused) and serializes it once for every member. */
export function serializeBroadcast(frame: OutFrame): SerializedFrame {
  validateCommand(frame);
  if (frame.type === 'close') {
    throw new RodeoError('RODEO_ERR_INVALID_BROADCAST', 'a close frame cannot be broadcast');
  }
  return { frame, buffers: frameBuffers(frame) };
}
