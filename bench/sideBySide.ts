/**
 * `npx tsx bench/sideBySide.ts [--rounds=N] [--seconds=S] [--only=echo-64,multi-frame,handshakes]`
 * (`npm run bench:side-by-side`): rodeo and the server it is compared with — ws + cork for the 64 B
 * echo and the 10-frame reply, bare ws for handshakes — run at the same time, each driven by its
 * own loader process with the bench's load. `npm run bench` measures one server after the other,
 * and this VM changes speed (by up to about 1.8×) from one second to the next, so two rows can meet
 * different speeds; here both servers share the cores at every moment, and the ratio of their rates
 * in each round is what is compared (its median over the rounds). Each server gets about half the
 * machine, so the rates are about half those of `npm run bench`.
 *
 * Results: a table on stdout and `bench/results/side-by-side-latest.json`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileForBench } from './build.js';
import type { HandshakeJob, JobResult, ThroughputJob } from './loader/job.js';
import { runMain } from './proc.js';
import { MULTI_FRAMES } from './servers/control.js';
import { launch, type RunningServer, type ServerId } from './servers/index.js';
import { createLoader, targetFor } from './scenarios/loaderProcess.js';
import type { Mode } from './scenarios/types.js';
import { median } from './stats.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

/** A load run on rodeo and on `against` at the same time. */
interface Pairing {
  readonly id: string;
  readonly title: string;
  readonly against: ServerId;
  readonly mode: Mode;
  /** Frames per request, or 0 for handshakes. */
  readonly frames: number;
  readonly window: number;
}

const PAIRINGS: readonly Pairing[] = [
  { id: 'echo-64', title: 'Echo 64 B', against: 'wsCork', mode: 'echo', frames: 1, window: 16 },
  {
    id: 'multi-frame',
    title: `Multi-frame reply (1 → ${MULTI_FRAMES} frames)`,
    against: 'wsCork',
    mode: 'multi',
    frames: MULTI_FRAMES,
    window: 2,
  },
  { id: 'handshakes', title: 'Handshakes', against: 'ws', mode: 'echo', frames: 0, window: 32 },
];

/** One round: both servers' rates and server CPU per operation. */
interface Round {
  readonly rodeo: number;
  readonly other: number;
  readonly ratio: number;
  readonly cpuRatio: number;
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rounds = Number(arg('rounds') ?? 10);
  const measureMs = Number(arg('seconds') ?? 3) * 1000;
  const only = arg('only')?.split(',');
  process.stdout.write('compiling with tsc …\n');
  const build = compileForBench();
  if (build.root === null) throw new Error(build.reason);
  const loaders = [createLoader(false, build.root), createLoader(false, build.root)] as const;
  const report: Record<string, unknown> = {};
  const lines = [
    '| Load (side by side) | rodeo / other, median of rounds | range | rodeo / other, CPU per operation |',
    '| :-- | --: | --: | --: |',
  ];
  try {
    for (const pairing of PAIRINGS.filter((p) => only === undefined || only.includes(p.id))) {
      const rodeo = await launch('rodeo', { jsRoot: build.root });
      const other = await launch(pairing.against, { jsRoot: build.root });
      const results: Round[] = [];
      try {
        for (let r = 0; r < rounds; r++) {
          const [a, b] = await Promise.all([
            loaders[0].run(job(pairing, rodeo, 'rodeo', measureMs), measureMs + 60_000),
            loaders[1].run(job(pairing, other, pairing.against, measureMs), measureMs + 60_000),
          ]);
          const round = {
            rodeo: a.value,
            other: b.value,
            ratio: a.value / b.value,
            cpuRatio: cpuPerOperation(a) / cpuPerOperation(b),
          };
          results.push(round);
          process.stdout.write(
            `  [${pairing.id}] ${r + 1}/${rounds} rodeo ${a.value} vs ${pairing.against} ${b.value} /s: ` +
              `${round.ratio.toFixed(2)}× (CPU per operation ${round.cpuRatio.toFixed(2)}×)\n`,
          );
        }
      } finally {
        await Promise.all([rodeo.stop(5000), other.stop(5000)]);
      }
      const ratios = results.map((x) => x.ratio);
      const summary = {
        against: pairing.against,
        ratio: median(ratios) ?? NaN,
        min: Math.min(...ratios),
        max: Math.max(...ratios),
        cpuRatio: median(results.map((x) => x.cpuRatio)) ?? NaN,
        rounds: results,
      };
      report[pairing.id] = summary;
      lines.push(
        `| ${pairing.title}, against ${pairing.against === 'ws' ? 'bare ws' : 'ws + cork'} | ` +
          `${summary.ratio.toFixed(2)}× | ${summary.min.toFixed(2)}–${summary.max.toFixed(2)}× | ` +
          `${summary.cpuRatio.toFixed(2)}× |`,
      );
    }
  } finally {
    await Promise.all(loaders.map((l) => l.close()));
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
  writeFileSync(
    join(RESULTS, 'side-by-side-latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), command: process.argv.slice(2), rounds, measureMs, loads: report }, null, 2)}\n`,
  );
  process.stdout.write('saved bench/results/side-by-side-latest.json\n');
}

/** The bench's job for `pairing` against `server` (1 s of warm-up, then `measureMs`). */
function job(
  pairing: Pairing,
  server: RunningServer,
  id: ServerId,
  measureMs: number,
): ThroughputJob | HandshakeJob {
  const row = { name: id, server: id, mode: pairing.mode, deflate: false } as const;
  const common = {
    target: targetFor(row, server),
    payload: 64,
    warmupMs: 1000,
    measureMs,
    serverPid: server.pid,
  };
  return pairing.frames === 0
    ? { ...common, kind: 'handshakes', concurrency: pairing.window }
    : {
        ...common,
        kind: 'throughput',
        connections: 100,
        window: pairing.window,
        framesPerRequest: pairing.frames,
      };
}

/** Server CPU (percent of a core) per operation per second. */
function cpuPerOperation(result: JobResult): number {
  return (result.cpu?.server ?? NaN) / result.value;
}

runMain('side-by-side', main);
