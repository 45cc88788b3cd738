import { randomBytes } from 'node:crypto';
import type { ConnectionRef } from '../handler/context.js';
import type { OutFrame } from '../handler/frames.js';
import { safeLog } from '../server/logger.js';
import {
  LocalRegistry,
  nextConnectionId,
  serializeBroadcast,
  type Registry,
} from '../server/registry.js';
import { ClusterState } from './clusterState.js';
import { encodeInfo } from './codec.js';
import { crossedFrame, frameBytes } from './crossingFrames.js';
import { RedisLink, type LinkMetrics } from './link.js';
import { resolveOptions, type RedisRegistryOptions, type ResolvedOptions } from './options.js';
import { isOwnConnection, RemoteRef, RemoteView } from './view.js';
import { encode, forEachMessage, stateFields, type NodeState, type WireMessage } from './wire.js';

/** Any connection's ref (shown as `ConnectionRef<unknown>`). @inline */
type AnyRef = ConnectionRef<unknown>;

/**
 * A {@link rodeo!Registry | Registry} spanning every node (process) connected to the same Redis:
 * groups, names, info and broadcasts reach connections on other nodes. Connections of this node
 * live in a `LocalRegistry` (delivered to directly, as in process); the other nodes' groups and
 * names are a local view kept current by their membership messages, so `members` and `whereis`
 * never wait for the network.
 * Names are claimed by an atomic script in Redis; a node that stops renewing its lease is dropped
 * by the others within a lease and a heartbeat.
 */
export class RedisRegistry implements Registry {
  /** This node's id (a prefix of its connections' ids). */
  readonly node: string;
  readonly #options: ResolvedOptions;
  readonly #local: LocalRegistry;
  readonly #view: RemoteView;
  readonly #link: RedisLink;
  /** This node's connections that joined or were named, by id: what other nodes can address. */
  readonly #announced = new Map<string, AnyRef>();
  readonly #cluster: ClusterState;
  readonly #all: string;

  private constructor(options: ResolvedOptions) {
    this.#options = options;
    this.node = randomBytes(6).toString('base64url');
    const { prefix } = options;
    this.#all = `${prefix}:all`;
    this.#local = new LocalRegistry({ onEnd: (ref, names) => this.#ended(ref, names) });
    this.#view = new RemoteView(this);
    this.#link = new RedisLink({
      url: options.url,
      channels: [this.#all, this.#channelOf(this.node)],
      logger: options.logger,
      maxPendingBytes: options.maxPendingBytes,
      onMessage: (message) => this.#receive(message),
      commandTimeout: options.lease,
      onRecovered: () => void this.#cluster.announce(),
    });
    const keys = { prefix, node: this.node, all: this.#all };
    this.#cluster = new ClusterState(this.#link, keys, options.lease, () =>
      this.#announceHoldings(),
    );
  }

  /**
   * Connects to Redis, announces this node and starts its heartbeat.
   *
   * ```ts
   * const registry = await RedisRegistry.connect({ url: process.env.REDIS_URL });
   * const server = await serve({ port: 8080, registry, routes });
   * ```
   *
   * @throws RodeoError `RODEO_ERR_REDIS_UNAVAILABLE` if Redis cannot be reached in time,
   *   `RODEO_ERR_INVALID_OPTION` for a bad option.
   */
  static async connect(options: RedisRegistryOptions = {}): Promise<RedisRegistry> {
    const registry = new RedisRegistry(resolveOptions(options));
    await registry.#link.connect(registry.#options.connectTimeout);
    await registry.#cluster.announce();
    registry.#cluster.startHeartbeat(registry.#options.heartbeatInterval);
    return registry;
  }

  /** Counters of cross-node traffic (`dropped` counts what did not go while Redis was away). */
  get metrics(): LinkMetrics & {
    /** Other nodes this node knows of and has not seen go down. */
    readonly nodes: number;
  } {
    const { sent, received, dropped, malformed, outages } = this.#link;
    return { sent, received, dropped, malformed, outages, nodes: this.#view.nodes };
  }

  connectionId(): string {
    return `${this.node}.${nextConnectionId()}`;
  }

  async register(name: string, ref: AnyRef): Promise<boolean> {
    const current = this.#local.whereis(name);
    if (current !== undefined || ref.closed) return current === ref;
    if (!isOwnConnection(this.node, ref)) return this.#local.register(name, ref);
    const remote = this.#view.whereis(name);
    if (remote !== undefined && !remote.closed) return false;
    if (!(await this.#cluster.claim(name, ref.id))) return false;
    if (ref.closed || !this.#local.register(name, ref)) {
      this.#cluster.release(ref.id, [name], encode('E', [this.node, ref.id]));
      return false;
    }
    this.#announced.set(ref.id, ref);
    this.#link.publish(this.#all, encode('N', [this.node, name, ref.id]));
    return true;
  }

  /** Frees the name here and in Redis (if `ref` still owns it there) and tells the others. */
  unregister(name: string, ref: AnyRef): boolean {
    const own = isOwnConnection(this.node, ref);
    if (!this.#local.unregister(name, ref)) return false;
    if (own) this.#cluster.release(ref.id, [name], encode('U', [this.node, name, ref.id]));
    return true;
  }

  whereis<I>(name: string): ConnectionRef<I> | undefined {
    return (this.#local.whereis<I>(name) ?? this.#view.whereis(name)) as
      ConnectionRef<I> | undefined;
  }

  join(group: string, ref: AnyRef): void {
    if (ref.closed || this.#local.holdingsOf(ref).groups.has(group)) return;
    const own = isOwnConnection(this.node, ref);
    this.#local.join(group, ref);
    if (!own) return;
    this.#announced.set(ref.id, ref);
    this.#link.publish(this.#all, encode('J', [this.node, group, ref.id]));
  }

  leave(group: string, ref: AnyRef): void {
    const own = isOwnConnection(this.node, ref);
    if (!this.#local.holdingsOf(ref).groups.has(group)) return;
    this.#local.leave(group, ref);
    if (own) this.#link.publish(this.#all, encode('L', [this.node, group, ref.id]));
  }

  /** This node's members first (in join order), then the other nodes' as last heard. */
  members(group: string): readonly AnyRef[] {
    const remote = this.#view.members(group);
    const local = this.#local.members(group);
    return remote.length === 0 ? local : [...local, ...remote];
  }

  groupsOf(ref: AnyRef): readonly string[] {
    return ref instanceof RemoteRef ? [...ref.groups] : this.#local.groupsOf(ref);
  }

  send<I>(name: string, info: I): boolean {
    return this.whereis<I>(name)?.send(info) ?? false;
  }

  /**
   * Delivers to this node's members and sends `info` across Redis once for every other node's.
   * Counts local members that accepted it plus remote members it was sent toward.
   *
   * @throws RodeoError `RODEO_ERR_INFO_NOT_SERIALIZABLE` if it must cross and the codec refuses it
   *   (then nothing is delivered anywhere).
   */
  publish<I>(group: string, info: I): number {
    const remote = this.#view.count(group);
    const bytes = remote === 0 ? undefined : encodeInfo(this.#options.codec, info);
    const count = this.#local.publish(group, info);
    if (bytes === undefined) return count;
    const sent = this.#link.publish(this.#all, encode('P', [this.node, group], bytes));
    return sent ? count + remote : count;
  }

  /** Writes to this node's members, and crosses Redis once for all other nodes' members. */
  broadcast(group: string, frame: OutFrame): number {
    const count = this.#local.writeSerialized(group, serializeBroadcast(frame));
    const remote = this.#view.count(group);
    if (remote === 0) return count;
    const [opcode, payload] = frameBytes(frame);
    const message = encode('B', [this.node, group, opcode], payload);
    return this.#link.publish(this.#all, message) ? count + remote : count;
  }

  /** Leaves the cluster (the others drop this node's connections at once) and closes Redis. */
  async close(): Promise<void> {
    await this.#cluster.leave();
    await this.#link.close();
  }

  /** The view's `RemoteSender`: an info for another node's connection, on its channel. @internal */
  sendRemote(ref: RemoteRef, info: unknown): boolean {
    const bytes = encodeInfo(this.#options.codec, info);
    return this.#link.publish(this.#channelOf(ref.node), encode('I', [this.node, ref.id], bytes));
  }

  #channelOf(node: string): string {
    return `${this.#options.prefix}:node:${node}`;
  }

  #ended(ref: AnyRef, names: ReadonlySet<string>): void {
    if (this.#announced.get(ref.id) !== ref) return;
    this.#announced.delete(ref.id);
    this.#cluster.release(ref.id, [...names], encode('E', [this.node, ref.id]));
  }

  #state(): NodeState {
    const refs = [];
    for (const [id, ref] of this.#announced) {
      const { groups, names } = this.#local.holdingsOf(ref);
      refs.push({ id, groups: [...groups], names: [...names] });
    }
    return { refs };
  }

  /** Claims this node's names again (one taken meanwhile by another node is lost), then says hello. */
  async #announceHoldings(): Promise<void> {
    const claims = [...this.#announced.values()].flatMap((ref) =>
      [...this.#local.holdingsOf(ref).names].map(async (name) => {
        if (await this.#cluster.claim(name, ref.id)) return;
        this.#local.unregister(name, ref);
        // A throwing logger must not keep the node from saying hello below.
        safeLog(
          this.#options.logger,
          'warn',
          { name, id: ref.id },
          'name taken by another node during an outage',
        );
      }),
    );
    await Promise.all(claims);
    this.#link.publish(this.#all, encode('H', stateFields(this.node, this.#state())));
  }

  #receive(bytes: Buffer): void {
    forEachMessage(bytes, this.#applyNow, this.#malformed);
  }

  readonly #malformed = (err: unknown): void => this.#link.malformedMessage(err);

  /** Applies one message; one that cannot be applied (bad payload) is dropped and counted. */
  readonly #applyNow = (message: WireMessage): void => {
    if (message.node === this.node && message.kind !== 'down') return;
    try {
      this.#apply(message);
    } catch (err) {
      this.#link.malformedMessage(err);
    }
  };

  #apply(message: WireMessage): void {
    const view = this.#view;
    switch (message.kind) {
      case 'hello':
        view.replace(message.node, message.state);
        this.#link.publish(
          this.#channelOf(message.node),
          encode('S', stateFields(this.node, this.#state())),
        );
        break;
      case 'state':
        view.replace(message.node, message.state);
        break;
      case 'join':
        view.join(message.node, message.group, message.ref);
        break;
      case 'leave':
        view.leave(message.node, message.group, message.ref);
        break;
      case 'end':
        view.end(message.node, message.ref);
        break;
      case 'name':
        view.name(message.node, message.name, message.ref);
        break;
      case 'unname':
        view.unname(message.node, message.name, message.ref);
        break;
      case 'down':
        if (message.node === this.node) void this.#cluster.announce();
        else view.down(message.node);
        break;
      case 'publish':
        this.#local.publish(message.group, this.#options.codec.decode(message.payload));
        break;
      case 'broadcast':
        this.#local.writeSerialized(message.group, crossedFrame(message.opcode, message.payload));
        break;
      case 'info':
        this.#announced.get(message.ref)?.send(this.#options.codec.decode(message.payload));
        break;
    }
  }
}
