/**
 * The servers under test: what each one is, whether it can run here, and how to start it as its own
 * process on 127.0.0.1, optionally pinned to core 0 (the loader then gets core 1).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis } from '../../spec/redis/redisServer.js';
import { PYTHON, pythonWebsockets, yaws, type Availability } from '../peers.js';
import { rssBytes, start, type Child } from '../proc.js';

/** Server ids, in table order. */
export const SERVER_IDS = ['rodeo', 'ws', 'wsCork', 'socketio', 'python', 'yaws'] as const;

/** One of the servers under test. */
export type ServerId = (typeof SERVER_IDS)[number];

/** What a server is. */
export interface ServerSpec {
  readonly id: ServerId;
  readonly label: string;
  /** Speaks Socket.IO on top of WebSocket. */
  readonly sio: boolean;
  /** Can negotiate permessage-deflate. */
  readonly deflate: boolean;
  /** A Node process that answers `mem`. */
  readonly node: boolean;
}

/** How to start one server for one scenario. */
export interface LaunchOptions {
  /** Socket.IO only: turn permessage-deflate on. */
  readonly deflate?: boolean;
  /**
   * Node only: write `--cpu-prof` profiles into this directory when the server stops (one per
   * thread: tsx's module-loader worker writes one too; the main thread's is the largest).
   */
  readonly profileDir?: string;
  /**
   * Node only: run the server from this `tsc` output root (`<root>/bench/servers/<id>.js`) instead
   * of through tsx, so profiles carry real line numbers and no loader hooks.
   */
  readonly jsRoot?: string;
  /** Pin the server to core 0. */
  readonly pin?: boolean;
  /**
   * Node servers only: run this many processes (each on its own port) as one cluster over a
   * redis-server started for them (`--redis=URL`). Default 1: one process, nothing shared.
   */
  readonly nodes?: number;
  /**
   * rodeo only: serve over TLS (`--tls`, a throwaway self-signed certificate), HTTP/2 and
   * HTTP/1.1 on one port.
   */
  readonly tls?: boolean;
  /**
   * Node only: a command the server runs under, e.g. `valgrind --tool=callgrind …`; the server is
   * then this command's last argument (the server's pid is the command's, which runs in place).
   */
  readonly wrapper?: readonly string[];
}

/** A started server. */
export interface RunningServer {
  readonly spec: ServerSpec;
  readonly pid: number;
  readonly port: number;
  /** Every process whose CPU is the server's: the nodes and, with several, their redis-server. */
  readonly pids: readonly number[];
  /** Every node's port (the first is `port`). */
  readonly ports: readonly number[];
  /** RSS (from /proc) and, for Node servers, V8 heap used after a full GC. */
  memory(): Promise<{ rss: number; heapUsed: number | null }>;
  /** Node only: writes a heap snapshot (after a full GC) to `file`; resolves with its path. */
  snapshot(file: string): Promise<string>;
  /** Closes stdin (a graceful close), then kills after `graceMs` (default 3 s). */
  stop(graceMs?: number): Promise<void>;
}

/** Every server's description. */
export const SPECS: Readonly<Record<ServerId, ServerSpec>> = {
  rodeo: { id: 'rodeo', label: 'rodeo', sio: false, deflate: true, node: true },
  ws: { id: 'ws', label: 'bare ws', sio: false, deflate: true, node: true },
  wsCork: { id: 'wsCork', label: 'ws + cork', sio: false, deflate: true, node: true },
  socketio: { id: 'socketio', label: 'Socket.IO', sio: true, deflate: true, node: true },
  python: { id: 'python', label: 'Python websockets', sio: false, deflate: true, node: false },
  yaws: { id: 'yaws', label: 'Yaws', sio: false, deflate: false, node: false },
};

const SERVER_CPU = 0;
const START_TIMEOUT_MS = 30_000;
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where each server can run: found, installed, or absent with the reason. */
export type Prepared = Readonly<Record<ServerId, Availability>>;

let yawsEbin: string | undefined;

/**
 * Checks (and where needed installs) every server's prerequisites.
 *
 * @param rodeoReady Whether rodeo's `serve` exists in this checkout.
 */
export function prepareServers(rodeoReady: boolean, log: (line: string) => void): Prepared {
  const y = yaws(here('./bench_yaws.erl'), log);
  if (y.ok) yawsEbin = y.ebin;
  return {
    rodeo: rodeoReady ? { ok: true } : { ok: false, reason: 'src/server (serve) not built yet' },
    ws: { ok: true },
    wsCork: { ok: true },
    socketio: { ok: true },
    python: pythonWebsockets(log),
    yaws: y.ok ? { ok: true } : y,
  };
}

/** Starts a server (or several nodes of it over Redis) and waits until it listens. */
export async function launch(id: ServerId, options: LaunchOptions = {}): Promise<RunningServer> {
  const nodes = options.nodes ?? 1;
  if (nodes <= 1) return launchOne(id, options, []);
  const redis = await startRedis();
  try {
    const servers = await Promise.all(
      Array.from({ length: nodes }, () => launchOne(id, options, [`--redis=${redis.url}`])),
    );
    const first = servers[0] as RunningServer;
    return {
      ...first,
      pids: [...servers.map((s) => s.pid), redis.pid],
      ports: servers.map((s) => s.port),
      stop: async (graceMs) => {
        await Promise.all(servers.map((s) => s.stop(graceMs)));
        await redis.stop();
      },
    };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}

async function launchOne(
  id: ServerId,
  options: LaunchOptions,
  extraArgs: readonly string[],
): Promise<RunningServer> {
  const spec = SPECS[id];
  let port = 0;
  let child: Child;
  const cpu = options.pin === true ? SERVER_CPU : undefined;
  if (spec.node) {
    const prof =
      options.profileDir === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
    const args =
      options.jsRoot === undefined
        ? ['--expose-gc', ...prof, '--import', 'tsx', here(`./${id}.ts`)]
        : ['--expose-gc', ...prof, join(options.jsRoot, 'bench', 'servers', `${id}.js`)];
    if (options.deflate === true) args.push('--deflate');
    if (options.tls === true) args.push('--tls');
    args.push(...extraArgs);
    const [command, ...wrapperArgs] = options.wrapper ?? [];
    child =
      command === undefined
        ? start(process.execPath, args, cpu, ROOT)
        : start(command, [...wrapperArgs, process.execPath, ...args], cpu, ROOT);
  } else if (id === 'python') {
    child = start(PYTHON, [here('./echo.py')], cpu, ROOT);
  } else {
    if (yawsEbin === undefined) throw new Error('yaws not prepared');
    port = await freePort();
    // One scheduler: Yaws gets one core like every other server, the loader has the other.
    const erlArgs = ['-noshell', '+S', '1', '-pa', '/usr/lib/yaws/ebin', '-pa', yawsEbin];
    child = start('erl', [...erlArgs, '-s', 'bench_yaws', 'start', String(port)], cpu, ROOT);
  }
  try {
    port = Number(await child.waitLine('LISTENING', START_TIMEOUT_MS));
  } catch (err) {
    await child.stop(500);
    throw err;
  }
  return {
    spec,
    pid: child.pid,
    port,
    pids: [child.pid],
    ports: [port],
    memory: async () => {
      if (!spec.node) return { rss: rssBytes(child.pid), heapUsed: null };
      child.proc.stdin?.write('mem\n');
      const mem = JSON.parse(await child.waitLine('MEM', 10_000)) as { heapUsed: number };
      return { rss: rssBytes(child.pid), heapUsed: mem.heapUsed };
    },
    snapshot: async (file) => {
      if (!spec.node) throw new Error(`${id} is not a Node server`);
      child.proc.stdin?.write(`snap ${file}\n`);
      return child.waitLine('SNAP', 120_000);
    },
    stop: (graceMs) => child.stop(graceMs),
  };
}
