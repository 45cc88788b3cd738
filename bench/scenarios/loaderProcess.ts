/** The loader process of a scenario (on core 1 when pinned), and the targets it is given. */
import { fileURLToPath } from 'node:url';
import { jsPath } from '../build.js';
import type { Target } from '../loader/connect.js';
import type { IdleJob, Job, JobResult } from '../loader/job.js';
import { start, type Child } from '../proc.js';
import { PATHS } from '../servers/control.js';
import type { RunningServer } from '../servers/index.js';
import type { Row } from './types.js';

const LOADER = fileURLToPath(new URL('../loader/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOADER_CPU = 1;

/** The loader's target for a row on a running server. */
export function targetFor(row: Row, server: RunningServer): Target {
  return targetAt(row, server.port, server.spec.sio);
}

/** A row's target on `port` (also another node of the same server). */
export function targetAt(row: Row, port: number, sio: boolean): Target {
  const mode = row.mode === 'broadcast' ? 'bcast' : row.mode;
  const path = sio
    ? `/socket.io/?EIO=4&transport=websocket${mode === 'echo' ? '' : `&mode=${mode}`}`
    : PATHS[row.mode];
  const target = { host: '127.0.0.1', port, path, sio, deflate: row.deflate };
  return row.transport === undefined ? target : { ...target, transport: row.transport };
}

/** Idle connections held by the loader. */
export interface HeldConnections {
  readonly connections: number;
  readonly echoed: number;
  release(): Promise<void>;
}

/** One loader process, reused for every run of a scenario (restarted if it died). */
export interface Loader {
  /** Runs a timed job to completion. */
  run(job: Job, timeoutMs: number): Promise<JobResult>;
  /** Starts an idle job; resolves once its connections are open and have exchanged a message. */
  hold(job: IdleJob, timeoutMs: number): Promise<HeldConnections>;
  close(): Promise<void>;
}

/**
 * Creates a loader; its process starts with the first job.
 *
 * @param pin Pin it to core 1.
 * @param jsRoot Run it from this tsc output instead of through tsx.
 */
export function createLoader(pin: boolean, jsRoot: string | null = null): Loader {
  let child: Child | undefined;
  const args =
    jsRoot === null ? ['--import', 'tsx', LOADER] : [jsPath(jsRoot, 'bench/loader/main.ts')];
  const live = (): Child => {
    if (child === undefined || child.proc.exitCode !== null || child.proc.signalCode !== null) {
      child = start(process.execPath, args, pin ? LOADER_CPU : undefined, ROOT);
    }
    return child;
  };
  const send = (job: Job): Child => {
    const c = live();
    c.proc.stdin?.write(`${JSON.stringify(job)}\n`);
    return c;
  };
  /** A loader that did not answer in time is killed, so the next run starts clean. */
  const guarded = async <T>(c: Child, wait: Promise<T>): Promise<T> => {
    try {
      return await wait;
    } catch (err) {
      await c.stop(0);
      throw err;
    }
  };
  return {
    run: (job, timeoutMs) => {
      const c = send(job);
      return guarded(c, c.waitLine('RESULT', timeoutMs)).then((r) => JSON.parse(r) as JobResult);
    },
    hold: async (job, timeoutMs) => {
      const c = send(job);
      const ready = JSON.parse(await guarded(c, c.waitLine('READY', timeoutMs))) as {
        connections: number;
        echoed: number;
      };
      return {
        ...ready,
        release: async () => {
          c.proc.stdin?.write('stop\n');
          await guarded(c, c.waitLine('DONE', 30_000));
        },
      };
    },
    close: async () => {
      await child?.stop(2000);
    },
  };
}
