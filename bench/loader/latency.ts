/** Round-trip latency at a fixed request rate, spread round-robin over the connections. */
import { cpuMark, cpuShare, type CpuMark } from './cpu.js';
import type { JobResult, LatencyJob } from './job.js';
import { closeAll, counterFor, openMany, requestFrame, sleep } from './pool.js';

/** Sending tick; each tick sends what the rate says is due. */
const TICK_MS = 1;

/**
 * Runs a latency job. Each connection keeps a FIFO of its send times (echo keeps order), so a reply
 * is matched with its request without any id in the payload.
 *
 * @return p99 in microseconds as the value; p50, p99.9, mean and the achieved rate as extras.
 */
export async function latency(job: LatencyJob): Promise<JobResult> {
  const conns = await openMany(job.target, job.connections);
  const frame = requestFrame(job.target, job.payload);
  const sentAt: number[][] = conns.map(() => []);
  const heads: number[] = conns.map(() => 0);
  const samples = new Float64Array(Math.ceil((job.rate * job.measureMs) / 1000) + 1024);
  let sampleCount = 0;
  let recording = false;
  let replies = 0;
  conns.forEach(({ socket, leftover }, i) => {
    const counter = counterFor(job.target, socket);
    const fifo = sentAt[i] as number[];
    const onData = (chunk: Buffer): void => {
      let n = counter.push(chunk);
      if (n === 0) return;
      const now = performance.now();
      replies += n;
      while (n-- > 0) {
        const head = heads[i] as number;
        const t = fifo[head] as number;
        heads[i] = head + 1;
        if (recording && sampleCount < samples.length) samples[sampleCount++] = now - t;
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
    const due = Math.floor((job.rate * (now - start)) / 1000);
    for (; sent < due; sent++) {
      const c = next;
      next = (next + 1) % conns.length;
      (sentAt[c] as number[]).push(now);
      (conns[c] as (typeof conns)[number]).socket.write(frame);
    }
    setTimeout(tick, TICK_MS);
  };
  tick();
  await sleep(job.warmupMs);
  recording = true;
  const from: CpuMark = cpuMark(job.serverPid);
  const repliesBefore = replies;
  await sleep(job.measureMs);
  const to = cpuMark(job.serverPid);
  recording = false;
  ticking = false;
  closeAll(conns);
  return latencyResult(samples.subarray(0, sampleCount), replies - repliesBefore, from, to);
}

/**
 * A latency job's answer: p99 in microseconds as the value; p50, p99.9, the sample count and the
 * rate achieved over the window as extras.
 *
 * @param samples Round trips in milliseconds (sorted in place).
 * @param replies Replies received during the window.
 */
export function latencyResult(
  samples: Float64Array,
  replies: number,
  from: CpuMark,
  to: CpuMark,
): JobResult {
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
