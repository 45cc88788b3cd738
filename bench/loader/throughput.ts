/** Pipelined throughput: every connection keeps `window` requests in flight. */
import { cpuMark, cpuShare } from './cpu.js';
import { batches } from './frames.js';
import type { JobResult, ThroughputJob } from './job.js';
import { closeAll, counterFor, openMany, requestFrame, sleep } from './pool.js';

/**
 * Runs a throughput job: each reply frame counted, each completed request answered by a new one
 * (written together with the others completed by the same read).
 *
 * @return Reply messages per second over the measured window.
 */
export async function throughput(job: ThroughputJob): Promise<JobResult> {
  const conns = await openMany(job.target, job.connections);
  const bufs = batches(requestFrame(job.target, job.payload), job.window);
  let received = 0;
  let running = true;
  for (const { socket, leftover } of conns) {
    const counter = counterFor(job.target, socket);
    let frames = 0;
    const onData = (chunk: Buffer): void => {
      const n = counter.push(chunk);
      if (n === 0) return;
      received += n;
      frames += n;
      let done = Math.floor(frames / job.framesPerRequest);
      frames -= done * job.framesPerRequest;
      while (running && done > 0) {
        const k = Math.min(done, job.window);
        socket.write(bufs[k] as Buffer);
        done -= k;
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    if (leftover.length > 0) onData(leftover);
    socket.resume();
    socket.write(bufs[job.window] as Buffer);
  }
  await sleep(job.warmupMs);
  const from = cpuMark(job.serverPid);
  const before = received;
  await sleep(job.measureMs);
  const to = cpuMark(job.serverPid);
  const count = received - before;
  running = false;
  closeAll(conns);
  return { value: Math.round((count * 1000) / (to.at - from.at)), cpu: cpuShare(from, to) };
}
