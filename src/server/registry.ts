import type { ConnectionRef } from '../handler/context.js';
import { RodeoError } from '../handler/errors.js';
import type { OutFrame } from '../handler/frames.js';
import { validateCommand } from '../handler/validate.js';
import { outletOf } from './outlets.js';
import type { SerializedFrame } from './transport.js';
import { serializeFrame } from './ws/wsInternals.js';

/**
 * Names and groups of connections, Erlang-style (`register`/`whereis`, `pg` groups). Handlers only
 * see this interface, so a cross-process transport (e.g. Redis pub/sub carrying `send`, `publish`
 * and `broadcast`) can implement it later without changing them.
 */

/** Where connections find each other. */
export interface Registry {
  /** Names `ref`; `false` if the name is taken. The name is freed when the connection ends. */
  register(name: string, ref: ConnectionRef<any>): boolean; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Frees `name` if `ref` holds it, so a connection can give up a name while it lives (a chat
   * member changing nick); `false`, and nothing changes, if another connection or nobody holds it.
   */
  unregister(name: string, ref: ConnectionRef<any>): boolean; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The connection registered under `name`, if it is still alive. */
  whereis<I>(name: string): ConnectionRef<I> | undefined;
  /** Adds `ref` to `group` (no-op if already in it); it leaves when the connection ends. */
  join(group: string, ref: ConnectionRef<any>): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Removes `ref` from `group`. */
  leave(group: string, ref: ConnectionRef<any>): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The live members of `group`, in join order. */
  members(group: string): readonly ConnectionRef<unknown>[];
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
}

type AnyRef = ConnectionRef<unknown>;

/** The in-process registry (the default). */
export class LocalRegistry implements Registry {
  readonly #names = new Map<string, AnyRef>();
  readonly #groups = new Map<string, Set<AnyRef>>();
  readonly #watched = new WeakSet<AnyRef>();
  readonly #groupsOf = new WeakMap<AnyRef, Set<string>>();

  register(name: string, ref: AnyRef): boolean {
    const current = this.whereis(name);
    if (current !== undefined) return current === ref;
    if (ref.closed) return false;
    this.#names.set(name, ref);
    this.#watch(ref);
    return true;
  }

  unregister(name: string, ref: AnyRef): boolean {
    if (this.#names.get(name) !== ref) return false;
    this.#names.delete(name);
    return true;
  }

  whereis<I>(name: string): ConnectionRef<I> | undefined {
    const ref = this.#names.get(name);
    if (ref === undefined) return undefined;
    // Refs made elsewhere have no end notification: drop them lazily once closed.
    if (ref.closed) {
      this.#names.delete(name);
      return undefined;
    }
    return ref as ConnectionRef<I>;
  }

  join(group: string, ref: AnyRef): void {
    if (ref.closed) return;
    let members = this.#groups.get(group);
    if (members === undefined) this.#groups.set(group, (members = new Set()));
    members.add(ref);
    let groups = this.#groupsOf.get(ref);
    if (groups === undefined) this.#groupsOf.set(ref, (groups = new Set()));
    groups.add(group);
    this.#watch(ref);
  }

  leave(group: string, ref: AnyRef): void {
    const members = this.#groups.get(group);
    if (members === undefined) return;
    members.delete(ref);
    this.#groupsOf.get(ref)?.delete(group);
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

  send<I>(name: string, info: I): boolean {
    return this.whereis<I>(name)?.send(info) ?? false;
  }

  publish<I>(group: string, info: I): number {
    let count = 0;
    for (const ref of this.members(group)) if ((ref as ConnectionRef<I>).send(info)) count++;
    return count;
  }

  broadcast(group: string, frame: OutFrame): number {
    const serialized = serialize(frame);
    let count = 0;
    for (const ref of this.members(group)) {
      if (outletOf(ref)?.writeSerialized(serialized) === true) count++;
    }
    return count;
  }

  /** Frees the ref's name and memberships when its connection ends. */
  #watch(ref: AnyRef): void {
    if (this.#watched.has(ref)) return;
    this.#watched.add(ref);
    outletOf(ref)?.onEnd(() => {
      for (const [name, named] of this.#names) if (named === ref) this.#names.delete(name);
      for (const group of this.#groupsOf.get(ref) ?? []) this.leave(group, ref);
      this.#groupsOf.delete(ref);
    });
  }
}

const OPCODES = { text: 0x1, binary: 0x2, ping: 0x9, pong: 0xa } as const;

function serialize(frame: OutFrame): SerializedFrame {
  validateCommand(frame);
  if (frame.type === 'close') {
    throw new RodeoError('RODEO_ERR_INVALID_BROADCAST', 'a close frame cannot be broadcast');
  }
  const data =
    frame.type === 'text'
      ? Buffer.from(frame.data)
      : Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  return { frame, buffers: serializeFrame(OPCODES[frame.type], data) };
}
