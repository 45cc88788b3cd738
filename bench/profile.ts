/**
 * `npx tsx bench/profile.ts [--seconds=N] [--only=echo-64,multi-frame,handshakes,latency]`: compiles the servers with tsc (into dist/bench-build),
 * runs the echo 64 B, multi-frame, handshake and fixed-rate latency loads against rodeo and bare ws under `node --cpu-prof`, then prints CPU per message and the functions with the most
 * self time, rodeo's own code (src/operators, src/server, src/handler) listed apart. Profiles are
 * kept in `bench/results/*.cpuprofile`, the summary in `bench/results/profile-latest.json`.
 */
import { copyFileSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileForBench } from './build.js';
import { byCategory, selfTimes, type SelfTime } from './cpuProfile.js';
import type { HandshakeJob, LatencyJob, ThroughputJob } from './loader/job.js';
import { runMain } from './proc.js';
import { createLoader, targetFor } from './scenarios/loaderProcess.js';
import type { Mode } from './scenarios/types.js';
import { launch, type ServerId } from './servers/index.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
/**
 * The loads profiled: `frames` 0 means handshakes (connect, upgrade, one echo, close), -1 the
 * fixed-rate latency load (`window` is then the rate).
 */
const LOADS: readonly { id: string; mode: Mode; window: number; frames: number }[] = [
  { id: 'echo-64', mode: 'echo', window: 16, frames: 1 },
  { id: 'multi-frame', mode: 'multi', window: 2, frames: 10 },
  { id: 'handshakes', mode: 'echo', window: 32, frames: 0 },
  { id: 'latency', mode: 'echo', window: 5_000, frames: -1 },
];
const SERVERS: readonly ServerId[] = ['rodeo', 'ws', 'wsCork'];
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const TOP = 15;

async function main(): Promise<void> {
  process.stdout.write('compiling with tsc …\n');
  const build = compileForBench();
  if (build.root === null) throw new Error(build.reason);
  const jsRoot = build.root;
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 5);
  const loader = createLoader(false, jsRoot);
  const report: Record<string, unknown>[] = [];
  try {
    for (const load of LOADS.filter((l) => ONLY === undefined || ONLY.includes(l.id))) {
      for (const id of SERVERS) {
        const file = `${RESULTS}${id}-${load.id}.cpuprofile`;
        const dir = mkdtempSync(join(tmpdir(), 'rodeo-bench-prof-'));
        const server = await launch(id, { profileDir: dir, jsRoot });
        const row = { name: id, server: id, mode: load.mode, deflate: false } as const;
        const common = {
          target: targetFor(row, server),
          payload: 64,
          warmupMs: 1000,
          measureMs: seconds * 1000,
          serverPid: server.pid,
        };
        const job: ThroughputJob | HandshakeJob | LatencyJob =
          load.frames === 0
            ? { ...common, kind: 'handshakes', concurrency: load.window }
            : load.frames < 0
              ? { ...common, kind: 'latency', connections: 100, rate: load.window }
              : {
                  ...common,
                  kind: 'throughput',
                  connections: 100,
                  window: load.window,
                  framesPerRequest: load.frames,
                };
        const result = await loader.run(job, seconds * 1000 + 60_000);
        await server.stop(15_000);
        copyFileSync(mainThreadProfile(dir), file);
        const { functions, busyMs } = selfTimes(file);
        const cpu = result.cpu?.server ?? Number.NaN;
        // Latency jobs report p99 as their value; their rate is the achieved one.
        const rate = result.extra?.['achievedRate'] ?? result.value;
        const p99 =
          result.extra?.['p99'] === undefined
            ? ''
            : ` (p50 ${result.extra['p50']} µs, p99 ${result.extra['p99']} µs)`;
        const usPerMsg = Math.round((cpu * 1e4 * 100) / rate) / 100;
        const categories = byCategory(functions);
        const own = functions.filter((f) => f.category === 'rodeo').slice(0, TOP);
        process.stdout.write(
          `\n== ${id} · ${load.id}: ${rate.toLocaleString('en-US')} ${load.frames === 0 ? 'handshakes' : 'msgs'}/s${p99}, ` +
            `server CPU ${cpu}%, ${usPerMsg} µs CPU each (profile: ${busyMs} ms busy) ==\n` +
            `busy time by origin: ${Object.entries(categories)
              .filter(([k]) => k !== 'idle')
              .map(([k, v]) => `${k} ${v}%`)
              .join(', ')}\n` +
            `top self time:\n${lines(functions.filter((f) => f.category !== 'idle').slice(0, TOP))}\n` +
            (id === 'rodeo' ? `top self time in rodeo's code:\n${lines(own)}\n` : ''),
        );
        report.push({
          server: id,
          load: load.id,
          msgsPerSec: rate,
          cpu,
          usPerMsg,
          categories,
          top: functions.slice(0, 30),
          own,
        });
      }
    }
  } finally {
    await loader.close();
  }
  writeFileSync(`${RESULTS}profile-latest.json`, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `\nsaved bench/results/profile-latest.json and bench/results/*.cpuprofile\n`,
  );
}

/** The largest profile of a directory: the main thread's (tsx's loader worker writes a small one). */
function mainThreadProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  const [largest] = files;
  if (largest === undefined) throw new Error(`no profile written in ${dir}`);
  return largest;
}

function lines(fns: readonly SelfTime[]): string {
  return fns
    .map(
      (f) =>
        `  ${f.percent.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`,
    )
    .join('\n');
}

runMain('profile', main);
