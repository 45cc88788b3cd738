/** Latency of info crossing from one node to another, at a fixed rate. */
import { cpuMark } from './cpu.js';
import type { CrossLatencyJob, JobResult } from './job.js';
import { closeAll, counterFor, openMany, requestFrame, sleep } from './pool.js';
import { latencyResult } from './latency.js';

/** Time for names and memberships to reach the other node before sending. */
const SETTLE_MS = 1000;
const TICK_MS = 1;

/**
 * Runs a cross-node latency job. Receiver `i` (named `r<i>`) is on one node, sender `i` (sending
 * to `r<i>`) on the other; each receiver's FIFO of send times matches replies to requests, since
 * info between one pair keeps its order.
 *
 * @return p99 in microseconds; p50, p99.9 and the achieved rate as extras.
 */
export async function crossLatency(job: CrossLatencyJob): Promise<JobResult> {
  const tag = `${process.pid}-${Date.now()}`;
  const at = (base: string, query: string): string =>
    `${base}${base.includes('?') ? '&' : '?'}${query}`;
  const receivers = await openMany(
    (i) => ({ ...job.receivers, path: at(job.receivers.path, `name=r${tag}-${i}`) }),
    job.pairs,
  );
  const senders = await openMany(
    (i) => ({ ...job.target, path: at(job.target.path, `to=r${tag}-${i}`) }),
    job.pairs,
  );
  const frame = requestFrame(job.target, job.payload);
  const sentAt: number[][] = receivers.map(() => []);
  const heads: number[] = receivers.map(() => 0);
  const samples = new Float64Array(Math.ceil((job.rate * job.measureMs) / 1000) + 1024);
  let count = 0;
  let recording = false;
  let replies = 0;
  receivers.forEach(({ socket, leftover }, i) => {
    const counter = counterFor(job.receivers, socket);
    const fifo = sentAt[i] as number[];
    const onData = (chunk: Buffer): void => {
      let n = counter.push(chunk);
      const now = performance.now();
      replies += n;
      while (n-- > 0) {
        const head = heads[i] as number;
        const t = fifo[head];
        if (t === undefined) continue; // a Socket.IO ping or a late duplicate: nothing to match
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
  for (const { socket } of senders) {
    const counter = counterFor(job.target, socket);
    socket.on('data', (chunk: Buffer) => void counter.push(chunk));
    socket.on('error', () => undefined);
    socket.resume();
  }
  await sleep(SETTLE_MS);
  const start = performance.now();
  let sent = 0;
  let next = 0;
  let ticking = true;
  const tick = (): void => {
    if (!ticking) return;
    const now = performance.now();
    const due = Math.floor((job.rate * (now - start)) / 1000);
    for (; sent < due; sent++) {
      const i = next;
      next = (next + 1) % senders.length;
      (sentAt[i] as number[]).push(now);
      senders[i]?.socket.write(frame);
    }
    setTimeout(tick, TICK_MS);
  };
  tick();
  await sleep(job.warmupMs);
  recording = true;
  const from = cpuMark(job.serverPid);
  const before = replies;
  await sleep(job.measureMs);
  const to = cpuMark(job.serverPid);
  recording = false;
  ticking = false;
  closeAll(receivers);
  closeAll(senders);
  return latencyResult(samples.subarray(0, count), replies - before, from, to);
}
