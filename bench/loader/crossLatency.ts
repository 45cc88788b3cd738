/** Latency of info crossing from one node to another, at a fixed rate. */
import type { CrossLatencyJob, JobResult } from './job.js';
import { closeAll, counterFor, openMany, requestFrame, sleep } from './pool.js';
import { measureRoundTrips } from './roundTrips.js';

/** Time for names and memberships to reach the other node before sending. */
const SETTLE_MS = 1000;

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
  for (const { socket } of senders) {
    const counter = counterFor(job.target, socket);
    socket.on('data', (chunk: Buffer) => void counter.push(chunk));
    socket.on('error', () => undefined);
    socket.resume();
  }
  await sleep(SETTLE_MS);
  const frame = requestFrame(job.target, job.payload);
  try {
    return await measureRoundTrips(job, job.receivers, receivers, (i) => {
      senders[i]?.socket.write(frame);
    });
  } finally {
    closeAll(receivers);
    closeAll(senders);
  }
}
