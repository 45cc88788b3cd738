/** Broadcast: a message sent on the first connection is delivered to every connection of the group. */
import { cpuMark, cpuShare } from './cpu.js';
import type { BroadcastJob, JobResult } from './job.js';
import { closeAll, counterFor, openMany, requestFrame, sleep } from './pool.js';

/** Time for the last connections to join the group after their upgrade. */
const SETTLE_MS = 300;

/**
 * Runs a broadcast job, keeping `window` broadcasts in flight.
 *
 * @return Deliveries (messages received over all connections) per second.
 */
export async function broadcast(job: BroadcastJob): Promise<JobResult> {
  const targets = [job.target, ...(job.spread ?? [])];
  const conns = await openMany((i) => targets[i % targets.length] ?? job.target, job.connections);
  const trigger = requestFrame(job.target, job.payload);
  const first = conns[0];
  if (first === undefined) throw new Error('no connection');
  let deliveries = 0;
  let sent = 0;
  let running = true;
  const refill = (): void => {
    while (running && sent - Math.floor(deliveries / conns.length) < job.window) {
      first.socket.write(trigger);
      sent++;
    }
  };
  for (const { socket, leftover } of conns) {
    const counter = counterFor(job.target, socket);
    const onData = (chunk: Buffer): void => {
      const n = counter.push(chunk);
      if (n === 0) return;
      deliveries += n;
      refill();
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    if (leftover.length > 0) onData(leftover);
    socket.resume();
  }
  await sleep(SETTLE_MS);
  refill();
  await sleep(job.warmupMs);
  const from = cpuMark(job.serverPid);
  const before = deliveries;
  await sleep(job.measureMs);
  const to = cpuMark(job.serverPid);
  const count = deliveries - before;
  running = false;
  closeAll(conns);
  return { value: Math.round((count * 1000) / (to.at - from.at)), cpu: cpuShare(from, to) };
}
