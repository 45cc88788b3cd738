import type { RedisLink } from './link.js';
import { HEARTBEAT, LEAVE, REGISTER, RELEASE } from './scripts.js';

/**
 * What one node keeps in Redis itself, through the scripts: its lease (renewed by a heartbeat that
 * also drops nodes whose lease ran out) and the names it owns. The delivery path never waits on
 * any of it; `register` and a reconnection do.
 */

/** Where a node's lease and names live. */
export interface ClusterKeys {
  readonly prefix: string;
  readonly node: string;
  /** The cluster channel (membership, `publish`, `broadcast`). */
  readonly all: string;
}

/** One node's lease and names in Redis. */
export class ClusterState {
  readonly #link: RedisLink;
  readonly #node: string;
  readonly #all: string;
  readonly #lease: string;
  readonly #nodes: string;
  readonly #names: string;
  readonly #nameSets: string;
  readonly #myNames: string;
  #heartbeat: NodeJS.Timeout | undefined;
  #beating = false;
  #announcing: Promise<void> | undefined;
  #announceAgain = false;

  constructor(
    link: RedisLink,
    keys: ClusterKeys,
    lease: number,
    /** Tells the cluster what this node holds, once its lease is renewed (names, then state). */
    private readonly announceHoldings: () => Promise<void>,
  ) {
    this.#link = link;
    this.#node = keys.node;
    this.#all = keys.all;
    this.#lease = String(lease);
    this.#nodes = `${keys.prefix}:nodes`;
    this.#names = `${keys.prefix}:names`;
    this.#nameSets = `${keys.prefix}:node-names:`;
    this.#myNames = `${this.#nameSets}${keys.node}`;
  }

  /** Renews the lease every `interval` ms (the timer does not keep the process alive). */
  startHeartbeat(interval: number): void {
    this.#heartbeat = setInterval(() => this.#beat(), interval);
    this.#heartbeat.unref();
  }

  /** Claims `name` for connection `id`: `true` if it is now (or already was) its own. */
  async claim(name: string, id: string): Promise<boolean> {
    if (!this.#link.ready) {
      this.#link.drop();
      return false;
    }
    try {
      const keys = [this.#nodes, this.#names, this.#myNames];
      return (await this.#link.run(REGISTER, keys, [name, id])) === 1;
    } catch {
      this.#link.drop();
      return false;
    }
  }

  /**
   * Frees names in Redis (those `id` still owns) and publishes `message` (the connection's end, or
   * one name given up) in the same step.
   */
  release(id: string, names: readonly string[], message: Buffer): void {
    if (names.length === 0 || !this.#link.ready) {
      this.#link.publish(this.#all, message);
      return;
    }
    const keys = [this.#names, this.#myNames];
    this.#link
      .run(RELEASE, keys, [id, this.#all, message, ...names])
      .catch(() => this.#link.drop());
  }

  /**
   * Tells the cluster everything this node holds: loads the scripts, renews its lease, then
   * `announceHoldings`. Calls that come while one runs make it run once more.
   */
  announce(): Promise<void> {
    if (this.#announcing !== undefined) {
      this.#announceAgain = true;
      return this.#announcing;
    }
    const run = async (): Promise<void> => {
      do {
        this.#announceAgain = false;
        await this.#announceOnce().catch(() => undefined);
      } while (this.#announceAgain);
    };
    return (this.#announcing = run().finally(() => (this.#announcing = undefined)));
  }

  /** Stops the heartbeat and, if Redis is there, leaves: the others drop this node at once. */
  async leave(): Promise<void> {
    clearInterval(this.#heartbeat);
    if (!this.#link.ready) return;
    const args = [this.#nameSets, this.#all, this.#node];
    await this.#link.run(LEAVE, [this.#nodes, this.#names], args).catch(() => undefined);
  }

  async #announceOnce(): Promise<void> {
    await this.#link.load([REGISTER, RELEASE, HEARTBEAT, LEAVE]);
    await this.#renew();
    await this.announceHoldings();
  }

  /** 1 if this node was not in the set (dropped by the others, or Redis lost its data). */
  #renew(): Promise<unknown> {
    const args = [this.#nameSets, this.#all, this.#node, this.#lease];
    return this.#link.run(HEARTBEAT, [this.#nodes, this.#names], args);
  }

  #beat(): void {
    if (this.#beating || !this.#link.ready) return;
    this.#beating = true;
    this.#renew()
      .then((added) => (added === 1 ? this.announce() : undefined))
      .catch(() => undefined)
      .finally(() => (this.#beating = false));
  }
}
