import { createClient } from 'redis';
import { RodeoError } from '../handler/errors.js';
import { safeLog, type Logger } from '../server/logger.js';
import type { Script } from './scripts.js';

/**
 * A node's two connections to Redis: one for commands (every publish and script, so everything this
 * node says leaves in one ordered stream), one subscribed to the cluster channel and the node's own
 * channel (so everything it hears arrives in one ordered stream). Per pair of nodes that makes
 * messages arrive in the order they were sent.
 *
 * Nothing waits for Redis on the delivery path: a publish is handed to the client or dropped. It is
 * dropped (and counted) while Redis is unreachable, and when the bytes handed over but not yet
 * acknowledged would pass `maxPendingBytes`, so a slow or stalled Redis costs bounded memory.
 * An outage is logged once when it starts and once when it ends.
 */

/** Counters of the traffic between nodes. */
export interface LinkMetrics {
  /** Messages handed to Redis. */
  readonly sent: number;
  /** Messages received from Redis. */
  readonly received: number;
  /** Cross-node messages dropped: Redis unreachable, too much unacknowledged, or lost in flight. */
  readonly dropped: number;
  /** Received messages that did not parse or decode (dropped). */
  readonly malformed: number;
  /** Times the connection to Redis was lost. */
  readonly outages: number;
}

/** How to reach Redis and what to do with what arrives. */
export interface LinkOptions {
  readonly url: string;
  readonly channels: readonly string[];
  readonly logger: Logger;
  readonly maxPendingBytes: number;
  /** Every message received on `channels`. */
  readonly onMessage: (message: Buffer) => void;
  /** Both connections are back after an outage (resubscribed): time to announce again. */
  readonly onRecovered: () => void;
}

/** The part of a node-redis client this module uses. */
interface Connection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: (string | Buffer)[]): Promise<unknown>;
  subscribe(
    channels: string[],
    listener: (message: Buffer, channel: Buffer) => void,
    bufferMode: true,
  ): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(): Promise<void>;
  destroy(): void;
}

/** Longest pause between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** A node's connections to Redis. */
export class RedisLink implements LinkMetrics {
  readonly #options: LinkOptions;
  readonly #commands: Connection;
  readonly #subscriber: Connection;
  #pendingBytes = 0;
  #down = false;
  #closing = false;
  #droppedBefore = 0;
  sent = 0;
  received = 0;
  dropped = 0;
  malformed = 0;
  outages = 0;

  constructor(options: LinkOptions) {
    this.#options = options;
    const client = (): Connection =>
      createClient({
        url: options.url,
        disableOfflineQueue: true,
        socket: {
          reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
        },
      }) as unknown as Connection;
    this.#commands = client();
    this.#subscriber = client();
    for (const connection of [this.#commands, this.#subscriber]) {
      connection.on('error', (err) => this.#lost(err));
      connection.on('end', () => this.#lost(undefined));
      connection.on('ready', () => this.#ready());
    }
  }

  /** Whether messages can be handed to Redis now. */
  get ready(): boolean {
    return this.#commands.isReady && this.#subscriber.isReady;
  }

  /** Connects both and subscribes; rejects with `RODEO_ERR_REDIS_UNAVAILABLE` after `timeoutMs`. */
  async connect(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new RodeoError(
            'RODEO_ERR_REDIS_UNAVAILABLE',
            `no Redis at ${this.#options.url} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          await Promise.all([this.#commands.connect(), this.#subscriber.connect()]);
          await this.#subscriber.subscribe(
            [...this.#options.channels],
            (message) => {
              this.received++;
              this.#options.onMessage(message);
            },
            true,
          );
        })(),
        timeout,
      ]);
    } catch (err) {
      this.#closing = true;
      this.#commands.destroy();
      this.#subscriber.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Hands `message` to Redis for `channel`; `false` (counted as dropped) if it cannot now. */
  publish(channel: string, message: Buffer): boolean {
    const size = message.length;
    if (!this.#commands.isReady || this.#pendingBytes + size > this.#options.maxPendingBytes) {
      this.drop();
      return false;
    }
    this.#pendingBytes += size;
    this.sent++;
    this.#commands.sendCommand(['PUBLISH', channel, message]).then(
      () => void (this.#pendingBytes -= size),
      () => {
        this.#pendingBytes -= size;
        this.drop();
      },
    );
    return true;
  }

  /** Runs a script (by SHA, loading it if Redis does not have it); rejects if Redis is away. */
  async run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | Buffer)[],
  ): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.#commands.sendCommand(['EVALSHA', script.sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.#commands.sendCommand(['EVAL', script.source, ...tail]);
    }
  }

  /** Counts one cross-node message that did not go; the first of an outage is logged. */
  drop(): void {
    this.dropped++;
    if (this.#down && this.dropped === this.#droppedBefore + 1) {
      this.#log('warn', {}, 'redis unreachable: cross-node messages are dropped until it is back');
    }
  }

  /** Counts a received message that did not parse or decode. */
  malformedMessage(err: unknown): void {
    if (this.malformed++ === 0) this.#log('warn', { err }, 'malformed message from redis dropped');
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([this.#commands.close(), this.#subscriber.close()]);
  }

  #lost(err: unknown): void {
    if (this.#closing || this.#down) return;
    this.#down = true;
    this.outages++;
    this.#droppedBefore = this.dropped;
    this.#log('warn', { err }, 'redis connection lost; local delivery goes on, reconnecting');
  }

  #ready(): void {
    if (!this.#down || !this.ready) return;
    this.#down = false;
    this.#log('info', { dropped: this.dropped - this.#droppedBefore }, 'redis is back');
    this.#options.onRecovered();
  }

  #log(level: keyof Logger, fields: Record<string, unknown>, message: string): void {
    safeLog(this.#options.logger, level, fields, message);
  }
}
