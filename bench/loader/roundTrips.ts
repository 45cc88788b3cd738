/**
 * Round trips at a fixed rate, matched without ids: requests go out round-robin over slots, each
 * slot keeps a FIFO of its send times, and replies on a slot's socket come back in order (an echo,
 * or info between one pair), so the n-th reply answers the n-th request.
 */
import type { OpenConnection, Target } from './connect.js';
import { cpuMark, cpuShare, type CpuMark } from './cpu.js';
import type { JobResult } from './job.js';
import { counterFor, sleep } from './pool.js';

/** Sending tick; each tick sends what the rate says is due. */
const TICK_MS = 1;

/** What a timed round-trip job needs to know. */
export interface RoundTripRun {
  readonly rate: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly serverPid: number | readonly number[];
}

/**
 * Sends `send(slot)` at `run.rate` round-robin over `slots` slots whose replies arrive on `replies`
 * (slot i on `replies[i]`), and measures over the window after the warm-up.
 *
 * @return p99 in microseconds as the value; p50, p99.9, the sample count and the rate achieved as
 * extras.
 */
export async function measureRoundTrips(
  run: RoundTripRun,
  target: Target,
  replies: readonly OpenConnection[],
  send: (slot: number) => void,
): Promise<JobResult> {
  const sentAt: number[][] = replies.map(() => []);
  const heads: number[] = replies.map(() => 0);
  const samples = new Float64Array(Math.ceil((run.rate * run.measureMs) / 1000) + 1024);
  let count = 0;
  let recording = false;
  let received = 0;
  replies.forEach(({ socket, leftover }, i) => {
    const counter = counterFor(target, socket);
    const fifo = sentAt[i] as number[];
    const onData = (chunk: Buffer): void => {
      let n = counter.push(chunk);
      const now = performance.now();
      received += n;
      while (n-- > 0) {
        const head = heads[i] as number;
        const t = fifo[head];
        if (t === undefined) continue; // nothing left to match (a reply without a request)
        heads[i] = head + 1;
        if (recording && count < samples.length) samples[count++] = now - t;
      }
      if ((heads[i] as number) === fifo.length) {
        fifo.length = 0;
        heads[i] = 0;
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    if (leftover.length > 0) onData(leftover);
    socket.resume();
  });
  const start = performance.now();
  let sent = 0;
  let next = 0;
  let ticking = true;
  const tick = (): void => {
    if (!ticking) return;
    const now = performance.now();
    const due = Math.floor((run.rate * (now - start)) / 1000);
    for (; sent < due; sent++) {
      const slot = next;
      next = (next + 1) % replies.length;
      (sentAt[slot] as number[]).push(now);
      send(slot);
    }
    setTimeout(tick, TICK_MS);
  };
  tick();
  await sleep(run.warmupMs);
  recording = true;
  const from = cpuMark(run.serverPid);
  const before = received;
  await sleep(run.measureMs);
  const to = cpuMark(run.serverPid);
  recording = false;
  ticking = false;
  return result(samples.subarray(0, count), received - before, from, to);
}

function result(samples: Float64Array, replies: number, from: CpuMark, to: CpuMark): JobResult {
  const sorted = samples.sort();
  const us = (q: number): number => Math.round(1000 * quantile(sorted, q));
  return {
    value: us(0.99),
    cpu: cpuShare(from, to),
    extra: {
      p50: us(0.5),
      p99: us(0.99),
      p999: us(0.999),
      samples: sorted.length,
      achievedRate: Math.round((replies * 1000) / (to.at - from.at)),
    },
  };
}

/** Nearest-rank quantile of sorted samples (`NaN` if empty). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
