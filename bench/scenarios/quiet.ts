/**
 * Waiting for the servers under test to go quiet between runs. Rows alternate while every row's
 * server stays up, so a server that fell behind in its own run (Socket.IO saturated at 10 000
 * cross-node messages a second keeps working off seconds of backlog after its clients left) would
 * otherwise take the CPU of the next row's run and be measured as that row's latency.
 */
import { processCpuMs } from '../loader/cpu.js';
import { sleep } from '../loader/pool.js';

/** Servers are quiet when together they use less than this share of one core … */
const QUIET_SHARE = 0.1;
/** … over a window this long (CPU time is counted in 10 ms ticks). */
const WINDOW_MS = 500;
/** Longest wait; a server still busy after it is reported and measured anyway. */
const MAX_WAIT_MS = 60_000;

/**
 * Resolves once the processes together use less than 10 % of a core over half a second, or after a
 * minute; `false` if they never did.
 */
export async function untilQuiet(pids: readonly number[]): Promise<boolean> {
  const cpuMs = (): number => pids.reduce((sum, pid) => sum + (processCpuMs(pid) || 0), 0);
  const deadline = performance.now() + MAX_WAIT_MS;
  while (performance.now() < deadline) {
    const before = cpuMs();
    await sleep(WINDOW_MS);
    if (cpuMs() - before < QUIET_SHARE * WINDOW_MS) return true;
  }
  return false;
}
