import { createClient } from 'redis';
import { RodeoError } from '../handler/errors.js';
import { safeLog, type Logger } from '../server/logger.js';
import type { Script } from './scripts.js';
import { encodeBatch } from './wire.js';

/**
 * A node's two connections to Redis: one for commands (every publish and script, so everything this
 * node says leaves in one ordered stream), one subscribed to the cluster channel and the node's own
 * channel (so everything it hears arrives in one ordered stream). Per pair of nodes that makes
 * messages arrive in the order they were sent.
 *
 * Consecutive messages for one channel produced in the same turn of the event loop leave as one
 * PUBLISH (a batch, `wire.encodeBatch`): a PUBLISH costs Redis, the client and every subscriber far
 * more than the bytes of a small message. Batches leave in the order their messages were made (a
 * message for another channel starts a new batch), and a script first sends what is batched.
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
  /** Every PUBLISH received on `channels` (a batch, or one message from a script). */
  readonly onMessage: (message: Buffer) => void;
  /** Milliseconds a script may take before it counts as failed (Redis stalled). */
  readonly commandTimeout: number;
  /** Both connections are back after an outage (resubscribed): time to announce again. */
  readonly onRecovered: () => void;
}

/** The part of a node-redis client this module uses. */
interface Connection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: (string | Buffer)[], options?: { timeout?: number }): Promise<unknown>;
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
/** A batch this large is sent at once rather than at the end of the turn. */
const MAX_BATCH_BYTES = 256 * 1024;

/** A node's connections to Redis. */
export class RedisLink implements LinkMetrics {
  readonly #options: LinkOptions;
  readonly #commands: Connection;
  readonly #subscriber: Connection;
  #pendingBytes = 0;
  /** Messages waiting for the end of this turn, in order, one batch per run of one channel. */
  #batches: { channel: string; messages: Buffer[]; bytes: number }[] = [];
  #flushScheduled = false;
  readonly #flushNow = (): void => this.#flush();
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
        // No timer per command (node-redis 6 arms one by default): publishes are bounded by
        // maxPendingBytes instead, and scripts carry their own timeout.
        commandOptions: { timeout: 0 },
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
    let batch = this.#batches[this.#batches.length - 1];
    if (batch?.channel !== channel)
      this.#batches.push((batch = { channel, messages: [], bytes: 0 }));
    batch.messages.push(message);
    batch.bytes += size;
    if (batch.bytes >= MAX_BATCH_BYTES) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushNow);
    }
    return true;
  }

  /** Sends every batch (one PUBLISH per channel). */
  #flush(): void {
    this.#flushScheduled = false;
    const batches = this.#batches;
    this.#batches = [];
    for (const { channel, messages, bytes } of batches) {
      const count = messages.length;
      const done = (): void => void (this.#pendingBytes -= bytes);
      this.#commands.sendCommand(['PUBLISH', channel, encodeBatch(messages)]).then(done, () => {
        done();
        for (let i = 0; i < count; i++) this.drop();
      });
    }
  }

  /** Runs a script (by SHA, loading it if Redis does not have it); rejects if Redis is away. */
  async run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | Buffer)[],
  ): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    const options = { timeout: this.#options.commandTimeout };
    this.#flush(); // what was said before the script reaches Redis before it
    try {
      return await this.#commands.sendCommand(['EVALSHA', script.sha, ...tail], options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.#commands.sendCommand(['EVAL', script.source, ...tail], options);
    }
  }

  /** Loads scripts into Redis's cache (after a restart it is empty), so EVALSHA finds them. */
  async load(scripts: readonly Script[]): Promise<void> {
    const options = { timeout: this.#options.commandTimeout };
    await Promise.all(
      scripts.map((script) =>
        this.#commands.sendCommand(['SCRIPT', 'LOAD', script.source], options),
      ),
    );
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
