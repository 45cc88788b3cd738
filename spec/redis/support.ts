/**
 * Helpers for the Redis specs: rodeo nodes as real child processes (`spec/fixtures/redisNode.ts`),
 * `ws` clients with a JSON inbox, and bounded polling. Everything started here is stopped by
 * `stopAll()` (call it in `afterEach`); `newCluster()` (in `beforeEach`) gives each test its own
 * key prefix.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import WebSocket from 'ws';
import { startRedis, type TestRedis } from './redisServer.js';

const NODE = fileURLToPath(new URL('../fixtures/redisNode.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** A running node (or, with `workers`, the primary of a group of workers sharing one port). */
export interface TestNode {
  readonly port: number;
  readonly process: ChildProcess;
  /** The node's registry metrics (single-process nodes only). */
  metrics(): Promise<Record<string, number>>;
  /** SIGKILL, as a crash: no goodbye to the cluster. */
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();
let clusters = 0;
let prefix = 'rodeo-spec-0';

/**
 * Starts a fresh cluster: nodes started from now on use a key prefix of their own, so names and
 * leases left by the previous test's killed nodes do not meet them.
 */
export function newCluster(): string {
  prefix = `rodeo-spec-${process.pid}-${++clusters}`;
  return prefix;
}

/** The key and channel prefix of the current cluster. */
export function clusterPrefix(): string {
  return prefix;
}
const sockets = new Set<WebSocket>();

/**
 * The spec file's redis-server (started before its tests, stopped after), a fresh cluster prefix
 * before each test and every node and client stopped after it. Call at the top of a spec file.
 */
export function useRedis(): () => TestRedis {
  let redis: TestRedis | undefined;
  beforeAll(async () => void (redis = await startRedis()));
  afterAll(async () => redis?.stop());
  beforeEach(() => void newCluster());
  afterEach(stopAll);
  return () => {
    if (redis === undefined) throw new Error('redis not started');
    return redis;
  };
}

/** Starts a node on port 0 (or `workers` cluster workers on one port) against `redisUrl`. */
export async function startNode(redisUrl: string, workers = 0): Promise<TestNode> {
  const child = fork(NODE, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, REDIS_URL: redisUrl, WORKERS: String(workers), PREFIX: prefix },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const { port } = await within(
    START_TIMEOUT_MS,
    'node start',
    new Promise<{ port: number }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { port: number }));
      child.once('exit', (code) => reject(new Error(`node exited with ${code} before listening`)));
    }),
  );
  return {
    port,
    process: child,
    metrics: async () => {
      child.send({ cmd: 'metrics' });
      const [message] = (await once(child, 'message')) as [{ metrics: Record<string, number> }];
      return message.metrics;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A client's JSON messages, awaited in order, each within a deadline. */
export class JsonClient {
  readonly #queue: Record<string, unknown>[] = [];
  readonly #waiting: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.#queue.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const wake of this.#waiting.splice(0)) wake();
    });
  }

  /** Sends a JSON command. */
  send(command: object): void {
    this.socket.send(JSON.stringify(command));
  }

  /** The next message (within `timeoutMs`). */
  async next(timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.#queue.shift();
      if (message !== undefined) return message;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no message in time');
      await within(left, 'message', new Promise<void>((resolve) => this.#waiting.push(resolve)));
    }
  }

  /** The next message of `type`, skipping others. */
  async nextOf(type: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.next(Math.max(1, deadline - Date.now()));
      if (message['type'] === type) return message;
    }
  }
}

/** Opens a client on `path` of the node on `port`. */
export async function connectTo(port: number, path: string): Promise<JsonClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  sockets.add(socket);
  socket.on('error', () => undefined);
  const client = new JsonClient(socket);
  await within(5000, 'connect', once(socket, 'open'));
  return client;
}

/** Polls `condition` until it holds; fails after `timeoutMs`. Returns how long it took. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const began = Date.now();
  while (!(await condition())) {
    if (Date.now() - began > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - began;
}

/** Closes every client and kills every node still running. */
export async function stopAll(): Promise<void> {
  for (const socket of sockets) socket.terminate();
  sockets.clear();
  await Promise.all(
    [...children].map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
