/** Round-trip latency at a fixed request rate, spread round-robin over the connections. */
import type { JobResult, LatencyJob } from './job.js';
import { closeAll, openMany, requestFrame } from './pool.js';
import { measureRoundTrips } from './roundTrips.js';

/**
 * Runs a latency job: echoes keep order per connection, so each reply is matched with its request
 * without any id in the payload.
 *
 * @return p99 in microseconds as the value; p50, p99.9 and the achieved rate as extras.
 */
export async function latency(job: LatencyJob): Promise<JobResult> {
  const conns = await openMany(job.target, job.connections);
  const frame = requestFrame(job.target, job.payload);
  try {
    return await measureRoundTrips(job, job.target, conns, (i) => {
      conns[i]?.socket.write(frame);
    });
  } finally {
    closeAll(conns);
  }
}
