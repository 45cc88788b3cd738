/**
 * Engine micro-benchmark: frame events per second through the engine of `connection()` with a synchronous echo
 * handler, next to a hand-written `merge` + `scan` pipeline doing the same work, in the same run.
 * Runs alternate A B A B; medians are reported. `npm run bench:engine [-- --events N --runs R]`.
 */
import { filter, map, merge, scan, Subject, Subscriber } from 'rxjs';
import { resolveSetup } from '../src/operators/connection.js';
import { Engine } from '../src/operators/engine.js';
import { MAILBOX_SLICE } from '../src/operators/mailbox.js';
import { OutputPort } from '../src/operators/outputPort.js';
import {
  ok,
  reply,
  request,
  text,
  upgrade,
  type ConnectionEvent,
  type ConnectionOutput,
  type ConnectionRef,
  type Handler,
} from '../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const EVENTS = option('events', 1_000_000);
const RUNS = option('runs', 5);

const echo: Handler<number> = {
  init: () => upgrade(0),
  websocketHandle: (frame, n) => reply(frame, n + 1),
  websocketInfo: (_info, n) => ok(n),
};

const frame: ConnectionEvent<never> = { type: 'frame', frame: text('x'.repeat(64)) };
const ref: ConnectionRef<never> = { id: 'bench', closed: false, send: () => false };
const ctx = { ref, compress: false, version: 13 as const, protocol: null, req: request() };

/**
 * Pushes EVENTS frames through the engine `connection()` runs and returns events/s. As in the
 * server, every MAILBOX_SLICE frames arrive as one socket read (`readStarted`): the mailbox handles
 * at most one slice per read before it yields to the event loop, so a loop pushing a million
 * frames without reads would measure that fairness rule, not the engine.
 */
function runEngine(): number {
  let out = 0;
  const output = new Subscriber<ConnectionOutput>({
    next: (o) => {
      if (o.type === 'text') out++;
    },
    error: (err: unknown) => {
      throw err;
    },
    complete: () => undefined,
  });
  const setup = resolveSetup<number, never>({ state: 0, ctx, idleTimeout: 60_000 });
  const engine = new Engine(echo, setup, new OutputPort(output));
  engine.start();
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) {
    if (i % MAILBOX_SLICE === 0) engine.readStarted();
    engine.next(frame);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  engine.next({ type: 'end', reason: { type: 'error', error: 'closed' } });
  if (out !== EVENTS) throw new Error(`engine emitted ${out} of ${EVENTS}`);
  return EVENTS / seconds;
}

/** The same work written by hand: frames and info merged, a scan over the echo results. */
function runBaseline(): number {
  const frames = new Subject<ConnectionEvent<never>>();
  const infos = new Subject<ConnectionEvent<never>>();
  let out = 0;
  merge(frames, infos)
    .pipe(
      scan(
        (acc, event) =>
          event.type === 'frame' ? reply(event.frame, acc.state + 1) : ok(acc.state),
        ok(0) as ReturnType<typeof reply<number>> | ReturnType<typeof ok<number>>,
      ),
      filter((result) => result.type === 'reply'),
      map((result) => result.frames[0]),
    )
    .subscribe((o) => {
      if (o?.type === 'text') out++;
    });
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) frames.next(frame);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (out !== EVENTS) throw new Error(`baseline emitted ${out} of ${EVENTS}`);
  return EVENTS / seconds;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

runEngine();
runBaseline();
const engine: number[] = [];
const baseline: number[] = [];
for (let run = 0; run < RUNS; run++) {
  engine.push(runEngine());
  baseline.push(runBaseline());
  process.stdout.write(`run ${run + 1}/${RUNS}\r`);
}
const e = median(engine);
const b = median(baseline);
const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M events/s`;
console.log(`engine (connection + sync echo handler): ${fmt(e)}`);
console.log(`baseline (merge + scan by hand):          ${fmt(b)}`);
console.log(
  `ratio engine / baseline: ${(e / b).toFixed(2)} (median of ${RUNS}, ${EVENTS} events each)`,
);
