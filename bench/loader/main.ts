/**
 * The load generator process: `node --import tsx bench/loader/main.ts`, reading one job (JSON) per
 * line on stdin and answering each with a `RESULT <json>` line (idle jobs: `READY <json>`, then they
 * hold their connections until a `stop` line), or `ERROR <message>`. One loader serves a whole
 * scenario, so no run pays for a process start. It exits when stdin closes, and in any case after
 * `MAX_LIFETIME_MS`.
 */
import { createInterface } from 'node:readline';
import { broadcast } from './broadcast.js';
import { crossLatency } from './crossLatency.js';
import { closeSessions } from './h2.js';
import { handshakes } from './handshakes.js';
import { idle } from './idle.js';
import type { Job, JobResult } from './job.js';
import { latency } from './latency.js';
import { throughput } from './throughput.js';

/** Hard stop, whatever happens: no loader outlives the bench. */
const MAX_LIFETIME_MS = 30 * 60_000;

let releaseIdle: () => void = () => undefined;

async function run(job: Job): Promise<JobResult | null> {
  switch (job.kind) {
    case 'throughput':
      return throughput(job);
    case 'latency':
      return latency(job);
    case 'handshakes':
      return handshakes(job);
    case 'broadcast':
      return broadcast(job);
    case 'crossLatency':
      return crossLatency(job);
    case 'idle':
      await idle(job, new Promise<void>((resolve) => (releaseIdle = resolve)));
      return null;
    default: {
      const never: never = job;
      throw new Error(`unknown job ${JSON.stringify(never)}`);
    }
  }
}

setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref();
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const text = line.trim();
  if (text === 'stop') {
    releaseIdle();
    return;
  }
  if (text === '') return;
  queue = queue.then(async () => {
    try {
      const result = await run(JSON.parse(text) as Job).finally(closeSessions);
      process.stdout.write(result === null ? 'DONE\n' : `RESULT ${JSON.stringify(result)}\n`);
    } catch (err) {
      process.stdout.write(`ERROR ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
});
lines.on('close', () => {
  releaseIdle();
  void queue.then(() => process.exit(0));
});
