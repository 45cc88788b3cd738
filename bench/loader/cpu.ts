/** CPU time of the loader itself and of another process, for showing which side was saturated. */
import { readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`), 100 on every common build. */
const TICK_MS = 10;

/** A point in time with the CPU used so far by both processes. */
export interface CpuMark {
  readonly at: number;
  readonly serverMs: number;
  readonly loaderMs: number;
}

/**
 * User + system CPU milliseconds of a process (all its threads), from `/proc/PID/stat`; `NaN` if it
 * cannot be read.
 */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** Marks now; with several server processes (nodes and their Redis), their CPU adds up. */
export function cpuMark(serverPid: number | readonly number[]): CpuMark {
  const own = process.cpuUsage();
  const pids = typeof serverPid === 'number' ? [serverPid] : serverPid;
  return {
    at: performance.now(),
    serverMs: pids.reduce((sum, pid) => sum + processCpuMs(pid), 0),
    loaderMs: (own.user + own.system) / 1000,
  };
}

/** Percent of one core each process used between two marks. */
export function cpuShare(from: CpuMark, to: CpuMark): { server: number; loader: number } {
  const wall = to.at - from.at;
  return {
    server: round1((100 * (to.serverMs - from.serverMs)) / wall),
    loader: round1((100 * (to.loaderMs - from.loaderMs)) / wall),
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
