/**
 * Idle connections for the memory scenario: open them, exchange one message on each, report READY,
 * then hold them (answering Socket.IO pings) until told to stop or `holdMs` passes.
 */
import type { IdleJob } from './job.js';
import { closeAll, counterFor, openMany, requestFrame, sleep } from './pool.js';

/**
 * Runs an idle job; prints `READY {"connections":N,"echoed":M}` once every echo came back (or after
 * a timeout) and resolves when the connections are closed.
 *
 * @param stop Resolves when the orchestrator has measured and the connections may go.
 */
export async function idle(job: IdleJob, stop: Promise<void>): Promise<void> {
  const conns = await openMany(job.target, job.connections);
  const frame = requestFrame(job.target, job.payload, job.target.deflate);
  let echoed = 0;
  let allEchoed: () => void = () => undefined;
  const everyEcho = new Promise<void>((resolve) => (allEchoed = resolve));
  for (const { socket, leftover } of conns) {
    const counter = counterFor(job.target, socket);
    let mine = 0;
    const onData = (chunk: Buffer): void => {
      const n = counter.push(chunk);
      if (n > 0 && mine === 0) {
        mine = n;
        if (++echoed === conns.length) allEchoed();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    if (leftover.length > 0) onData(leftover);
    socket.resume();
    socket.write(frame);
  }
  await Promise.race([everyEcho, sleep(30_000)]);
  process.stdout.write(`READY ${JSON.stringify({ connections: conns.length, echoed })}\n`);
  await Promise.race([stop, sleep(job.holdMs)]);
  closeAll(conns);
}
