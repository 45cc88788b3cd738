import type { ConnectionRef } from '../handler/context.js';
import { RodeoError } from '../handler/errors.js';
import { outletOf } from '../server/outlets.js';
import type { NodeState } from './wire.js';

/**
 * What this node knows of the other nodes' connections, pg-style: a local copy of their groups and
 * names, kept current by their membership messages and read without asking anyone. Every table is
 * indexed both ways (group → members, ref → its groups and names), so a connection's end or a
 * node's death costs what that connection or node held, never a scan of the whole view.
 */

/** Sends info to a connection on another node (the registry's link). */
export interface RemoteSender {
  /** Hands `info` to Redis for `ref`'s node; `false` if it was dropped. */
  sendRemote(ref: RemoteRef, info: unknown): boolean;
}

/**
 * A connection on another node: `send` crosses Redis to its node's mailbox, `closed` turns true
 * once its node reports its end (or the node is gone).
 */
export class RemoteRef implements ConnectionRef<unknown> {
  #closed = false;
  readonly #sender: RemoteSender;
  /** Groups and names this ref holds in the view. */
  readonly groups = new Set<string>();
  readonly names = new Set<string>();

  constructor(
    readonly id: string,
    readonly node: string,
    sender: RemoteSender,
  ) {
    this.#sender = sender;
  }

  send(info: unknown): boolean {
    return !this.#closed && this.#sender.sendRemote(this, info);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the connection ended (the view forgets it). */
  end(): void {
    this.#closed = true;
  }

  /** Serializes as `{ id, closed }`, like a local ref. */
  toJSON(): { id: string; closed: boolean } {
    return { id: this.id, closed: this.#closed };
  }
}

/** The other nodes' groups and names, as this node last heard them. */
export class RemoteView {
  readonly #sender: RemoteSender;
  /** node → ref id → ref. */
  readonly #nodes = new Map<string, Map<string, RemoteRef>>();
  /** group → node → members, in join order. */
  readonly #groups = new Map<string, Map<string, Set<RemoteRef>>>();
  readonly #names = new Map<string, RemoteRef>();

  constructor(sender: RemoteSender) {
    this.#sender = sender;
  }

  /** Nodes this node has heard of and not seen go down. */
  get nodes(): number {
    return this.#nodes.size;
  }

  join(node: string, group: string, id: string): void {
    const ref = this.#ref(node, id);
    if (ref.groups.has(group)) return;
    ref.groups.add(group);
    let byNode = this.#groups.get(group);
    if (byNode === undefined) this.#groups.set(group, (byNode = new Map()));
    let members = byNode.get(node);
    if (members === undefined) byNode.set(node, (members = new Set()));
    members.add(ref);
  }

  leave(node: string, group: string, id: string): void {
    const ref = this.#nodes.get(node)?.get(id);
    if (ref !== undefined) this.#leave(ref, group);
  }

  name(node: string, name: string, id: string): void {
    const ref = this.#ref(node, id);
    const previous = this.#names.get(name);
    if (previous !== undefined && previous !== ref) previous.names.delete(name);
    this.#names.set(name, ref);
    ref.names.add(name);
  }

  unname(node: string, name: string, id: string): void {
    const ref = this.#nodes.get(node)?.get(id);
    if (ref === undefined) return;
    ref.names.delete(name);
    if (this.#names.get(name) === ref) this.#names.delete(name);
  }

  /** A connection ended: it leaves its groups, its names are freed, holders see it closed. */
  end(node: string, id: string): void {
    const refs = this.#nodes.get(node);
    const ref = refs?.get(id);
    if (ref === undefined) return;
    refs?.delete(id);
    this.#forget(ref);
    ref.end();
  }

  /** A node is gone: every connection of it ends. */
  down(node: string): void {
    const refs = this.#nodes.get(node);
    if (refs === undefined) return;
    this.#nodes.delete(node);
    for (const ref of refs.values()) {
      this.#forget(ref);
      ref.end();
    }
  }

  /**
   * A node's full state (when it starts, or after Redis came back): replaces what was known of it.
   * Refs still there are kept (same objects); refs no longer there have ended.
   */
  replace(node: string, state: NodeState): void {
    const before = this.#nodes.get(node) ?? new Map<string, RemoteRef>();
    for (const ref of before.values()) this.#forget(ref);
    const after = new Map<string, RemoteRef>();
    this.#nodes.set(node, after);
    for (const entry of state.refs) {
      const ref = before.get(entry.id) ?? new RemoteRef(entry.id, node, this.#sender);
      before.delete(entry.id);
      after.set(entry.id, ref);
      for (const group of entry.groups) this.join(node, group, entry.id);
      for (const name of entry.names) this.name(node, name, entry.id);
    }
    for (const gone of before.values()) gone.end();
  }

  /** The remote members of `group`, node by node, in join order. */
  members(group: string): RemoteRef[] {
    const byNode = this.#groups.get(group);
    if (byNode === undefined) return [];
    const all: RemoteRef[] = [];
    for (const members of byNode.values()) for (const ref of members) all.push(ref);
    return all;
  }

  /** How many remote members `group` has. */
  count(group: string): number {
    let count = 0;
    for (const members of this.#groups.get(group)?.values() ?? []) count += members.size;
    return count;
  }

  whereis(name: string): RemoteRef | undefined {
    return this.#names.get(name);
  }

  #ref(node: string, id: string): RemoteRef {
    let refs = this.#nodes.get(node);
    if (refs === undefined) this.#nodes.set(node, (refs = new Map()));
    let ref = refs.get(id);
    if (ref === undefined) refs.set(id, (ref = new RemoteRef(id, node, this.#sender)));
    return ref;
  }

  #leave(ref: RemoteRef, group: string): void {
    if (!ref.groups.delete(group)) return;
    const byNode = this.#groups.get(group);
    const members = byNode?.get(ref.node);
    members?.delete(ref);
    if (members?.size === 0) byNode?.delete(ref.node);
    if (byNode?.size === 0) this.#groups.delete(group);
  }

  /** Removes `ref` from the group and name indexes: O(what it holds). */
  #forget(ref: RemoteRef): void {
    for (const group of [...ref.groups]) this.#leave(ref, group);
    for (const name of ref.names) if (this.#names.get(name) === ref) this.#names.delete(name);
    ref.names.clear();
  }
}

/**
 * Whether `ref` is a connection of this node (`node`) that other nodes can address: `false` for
 * one without a live outlet (it ended).
 *
 * @throws RodeoError `RODEO_ERR_NOT_LOCAL` for another node's connection, or for one of a server
 *   that was not given this registry.
 */
export function isOwnConnection(node: string, ref: ConnectionRef<unknown>): boolean {
  if (ref instanceof RemoteRef) {
    throw new RodeoError('RODEO_ERR_NOT_LOCAL', `connection ${ref.id} lives on node ${ref.node}`);
  }
  if (outletOf(ref) === undefined) return false;
  // Ids name their node; the name lease in Redis is found through it. A connection of a server
  // that was not given this registry has a bare id (`c1`), which other processes reuse.
  if (!ref.id.startsWith(`${node}.`)) {
    throw new RodeoError(
      'RODEO_ERR_NOT_LOCAL',
      `connection ${ref.id} was not opened with this registry: pass it to serve or attach ({ registry })`,
    );
  }
  return true;
}
