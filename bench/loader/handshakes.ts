/** Handshakes per second: connect, upgrade, one echo, close — `concurrency` at a time. */
import { openConnection, sourceAddresses } from './connect.js';
import { cpuMark, cpuShare } from './cpu.js';
import { closeFrame } from './frames.js';
import type { Target } from './connect.js';
import type { HandshakeJob, JobResult } from './job.js';
import { counterFor, requestFrame, sleep } from './pool.js';

/** One handshake that takes longer than this counts as an error. */
const STEP_TIMEOUT_MS = 5_000;
/** Many loopback source addresses, so TIME_WAIT never exhausts a port range. */
const SOURCES = sourceAddresses(200);
const CLOSE = closeFrame();

/**
 * Runs a handshake job.
 *
 * @return Completed handshakes per second; errors as an extra.
 */
export async function handshakes(job: HandshakeJob): Promise<JobResult> {
  const echo = requestFrame(job.target, job.payload);
  let done = 0;
  let errors = 0;
  let running = true;
  let source = 0;
  const once = (): Promise<void> =>
    handshakeOnce(job.target, echo, SOURCES[source++ % SOURCES.length], STEP_TIMEOUT_MS);
  const worker = async (): Promise<void> => {
    while (running) {
      try {
        await once();
        done++;
      } catch {
        errors++;
        if (errors > 1000) running = false;
      }
    }
  };
  const workers = Array.from({ length: job.concurrency }, worker);
  await sleep(job.warmupMs);
  const from = cpuMark(job.serverPid);
  const before = done;
  await sleep(job.measureMs);
  const to = cpuMark(job.serverPid);
  const count = done - before;
  running = false;
  await Promise.all(workers);
  return {
    value: Math.round((count * 1000) / (to.at - from.at)),
    cpu: cpuShare(from, to),
    extra: { errors },
  };
}

/**
 * One handshake from `localAddress`: connect, upgrade, send `echo`, a close frame once it came
 * back, and the end of the TCP connection once the server's close arrived. Rejects after
 * `timeoutMs`, or if the server closes before echoing.
 */
export async function handshakeOnce(
  target: Target,
  echo: Buffer,
  localAddress: string | undefined,
  timeoutMs: number,
): Promise<void> {
  const { socket, leftover } = await openConnection(target, localAddress);
  await new Promise<void>((resolve, reject) => {
    const counter = counterFor(target, socket);
    let echoed = false;
    const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    const onData = (chunk: Buffer): void => {
      if (counter.push(chunk) > 0 && !echoed) {
        echoed = true;
        socket.write(CLOSE);
      }
      if (counter.closed) {
        clearTimeout(timer);
        socket.end();
        resolve();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (echoed) resolve();
      else reject(new Error('closed early'));
    });
    if (leftover.length > 0) onData(leftover);
    socket.resume();
    socket.write(echo);
  }).finally(() => setTimeout(() => socket.destroy(), 1000).unref());
}
