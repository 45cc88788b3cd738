import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { RodeoError } from '../handler/errors.js';
import { safeLog, silentLogger, type Logger } from '../server/logger.js';

/**
 * One rodeo server per core on one port, with `node:cluster`: the primary process forks the
 * workers and looks after them; each worker runs `start` (a server listening on the shared port,
 * with a registry that spans processes, e.g. `rodeo/redis`, so connections on different workers
 * reach each other). The primary accepts connections and hands them to workers round-robin.
 */

/**
 * Something running that can be closed gracefully (a {@link rodeo!RodeoServer | RodeoServer}, a
 * demo, …): what {@link RunWorkersOptions.start} resolves to.
 */
export interface Closable {
  /**
   * Closes gracefully, resolving once done. A worker's (its server's) is called on SIGINT,
   * SIGTERM or the primary's request, and the worker exits once it resolves; the primary's asks
   * every worker to close and kills those still running after `shutdownTimeout`.
   */
  close(): Promise<void>;
}

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions {
  /** Worker processes (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /** Run in each worker: starts its server (listening on the shared port). */
  readonly start: () => Promise<Closable>;
  /** Any pino-style logger (default: silent): workers started, exited, restarted. */
  readonly logger?: Logger;
  /**
   * Restarts of workers that died on their own allowed per minute (default: twice the worker
   * count); past it the primary stops restarting them (a crash loop must not spin), and logs it.
   */
  readonly maxRestartsPerMinute?: number;
  /** Milliseconds a worker gets to close gracefully before it is killed (default 10 000). */
  readonly shutdownTimeout?: number;
  /**
   * Milliseconds within which a second signal counts as the first one delivered again (default
   * 1000): a terminal's Ctrl-C reaches the whole process group, and a supervisor such as npm may
   * forward it once more. A second signal later than that kills the workers at once.
   */
  readonly repeatWindow?: number;
}

/** What {@link runWorkers} returns: in the primary the whole group, in a worker its own server. */
export interface WorkersHandle extends Closable {
  /** Which process this is: the `primary` that forks and watches, or a `worker` that serves. */
  readonly role: 'primary' | 'worker';
}

const MINUTE_MS = 60_000;

/**
 * Starts `workers` processes that each run `start`, or, when called in a worker, runs `start`.
 * SIGINT and SIGTERM close gracefully: the primary asks every worker to close its server (each
 * sends 1001 to its connections and runs their `terminate`) and exits 0 once all have; a second
 * signal (after `repeatWindow`) kills them at once and exits 1.
 *
 * ```ts
 * await runWorkers({ workers: 4, start: async () => serve({ port: 8080, registry: await RedisRegistry.connect(), routes }) });
 * ```
 *
 * @return In the primary, once every worker listens; in a worker, once its server started.
 */
export async function runWorkers(options: RunWorkersOptions): Promise<WorkersHandle> {
  const logger = options.logger ?? silentLogger;
  if (cluster.isWorker) return runWorker(options, logger);
  const count = options.workers ?? availableParallelism();
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RodeoError(
      'RODEO_ERR_INVALID_OPTION',
      `workers must be a positive integer, got ${count}`,
    );
  }
  return new Primary(count, options, logger).started();
}

async function runWorker(options: RunWorkersOptions, logger: Logger): Promise<WorkersHandle> {
  const running = await options.start();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= running.close());
  const exit = (): void =>
    void close().then(
      () => process.exit(0),
      (err: unknown) => {
        safeLog(logger, 'error', { err }, 'worker close failed');
        process.exit(1);
      },
    );
  process.on('SIGINT', exit).on('SIGTERM', exit);
  // The primary asks by message (signals may not reach a worker started by another tool).
  process.on('message', (message) => {
    if (message === 'rodeo:close') exit();
  });
  // A primary that died (even while this worker was still starting) leaves no one to hand it
  // connections: close instead of living on as an orphan.
  process.once('disconnect', exit);
  if (!process.connected) exit();
  return { role: 'worker', close };
}

/** The primary: forks, restarts within bounds, closes everything on a signal. */
class Primary implements WorkersHandle {
  readonly role = 'primary';
  readonly #options: RunWorkersOptions;
  readonly #logger: Logger;
  readonly #workers = new Set<Worker>();
  readonly #restarts: number[] = [];
  #closing: Promise<void> | undefined;

  constructor(
    readonly count: number,
    options: RunWorkersOptions,
    logger: Logger,
  ) {
    this.#options = options;
    this.#logger = logger;
  }

  async started(): Promise<this> {
    const listening = Array.from({ length: this.count }, () => this.#fork());
    let firstAt: number | undefined;
    const onSignal = (): void => {
      const now = performance.now();
      if (firstAt !== undefined) {
        if (now - firstAt < (this.#options.repeatWindow ?? 1000)) return;
        for (const worker of this.#workers) worker.process.kill('SIGKILL');
        process.exit(1);
      }
      firstAt = now;
      void this.close().then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    await Promise.all(listening);
    return this;
  }

  close(): Promise<void> {
    return (this.#closing ??= Promise.all([...this.#workers].map((w) => this.#stop(w))).then(
      () => undefined,
    ));
  }

  #fork(): Promise<void> {
    const worker = cluster.fork();
    this.#workers.add(worker);
    worker.on('exit', (code, signal) => {
      this.#workers.delete(worker);
      if (this.#closing !== undefined) return;
      safeLog(this.#logger, 'warn', { pid: worker.process.pid, code, signal }, 'worker died');
      const now = Date.now();
      while ((this.#restarts[0] ?? now) <= now - MINUTE_MS) this.#restarts.shift();
      if (this.#restarts.length >= (this.#options.maxRestartsPerMinute ?? 2 * this.count)) {
        safeLog(this.#logger, 'error', {}, 'workers keep dying: not restarting');
        return;
      }
      this.#restarts.push(now);
      this.#fork().catch(() => undefined); // its own exit handler decides what comes next
    });
    return new Promise((resolve, reject) => {
      worker.once('listening', () => {
        safeLog(this.#logger, 'info', { pid: worker.process.pid }, 'worker listening');
        resolve();
      });
      worker.once('exit', (code) =>
        reject(new Error(`worker exited with ${code} before listening`)),
      );
    });
  }

  #stop(worker: Worker): Promise<void> {
    return new Promise((resolve) => {
      if (worker.isDead()) return resolve();
      const timeout = this.#options.shutdownTimeout ?? 10_000;
      const kill = setTimeout(() => worker.process.kill('SIGKILL'), timeout);
      worker.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      worker.send('rodeo:close');
    });
  }
}
