/**
 * `npx tsx bench/instructions.ts [--only=echo-64,multi-frame,handshakes]` (`npm run
 * bench:instructions`): the server's instructions per operation, counted by valgrind's callgrind —
 * the same number on every run, whatever else the machine is doing, where rates and CPU times on
 * these small shared machines move by 20–40 % between runs. Each server (rodeo, bare ws, ws + cork)
 * runs under callgrind with instrumentation off; a warm-up lets V8 optimize its code, then only a
 * fixed number of operations is counted. Only the server's own (user-space) instructions count:
 * the kernel's work in its system calls does not, and neither does the CPU's speed — so this
 * compares the work each design does, not the time it takes.
 *
 * Results: a table on stdout and `bench/results/instructions-latest.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileForBench } from './build.js';
import { handshakeLoad, pipelinedLoad } from './instructionLoads.js';
import { runMain } from './proc.js';
import { MULTI_FRAMES } from './servers/control.js';
import { launch, type ServerId } from './servers/index.js';
import { targetFor } from './scenarios/loaderProcess.js';
import type { Mode } from './scenarios/types.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SERVERS: readonly ServerId[] = ['rodeo', 'ws', 'wsCork'];

/** A load: what one operation is, how many warm up the server, how many are counted. */
interface Load {
  readonly id: string;
  readonly title: string;
  readonly mode: Mode;
  readonly warmup: number;
  readonly counted: number;
  /** Frames per request (pipelined loads), or 0 for handshakes. */
  readonly frames: number;
  readonly window: number;
}

const LOADS: readonly Load[] = [
  {
    id: 'echo-64',
    title: 'Echo 64 B (per message)',
    mode: 'echo',
    warmup: 40_000,
    counted: 20_000,
    frames: 1,
    window: 16,
  },
  {
    id: 'multi-frame',
    title: `Multi-frame reply, 1 → ${MULTI_FRAMES} frames (per request)`,
    mode: 'multi',
    warmup: 20_000,
    counted: 10_000,
    frames: MULTI_FRAMES,
    window: 2,
  },
  {
    id: 'handshakes',
    title: 'Handshake: connect, upgrade, one echo, close (per connection)',
    mode: 'echo',
    // A handshake runs through much more code than an echo: after 6 000 of them TurboFan was
    // still compiling parts of it, and a change of rodeo's moved its count by 6 % that way alone.
    warmup: 20_000,
    counted: 3_000,
    frames: 0,
    window: 32,
  },
];

/** What `instructions-latest.json` holds: per load, when it was counted and each server's count. */
interface Saved {
  readonly loads: Record<string, Record<string, number | string>>;
}

async function main(): Promise<void> {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  execFileSync('valgrind', ['--version']);
  process.stdout.write('compiling with tsc …\n');
  const build = compileForBench();
  if (build.root === null) throw new Error(build.reason);
  const report: Record<string, Record<string, number>> = {};
  const lines: string[] = [
    '| Load | rodeo | bare ws | ws + cork | rodeo / bare ws | rodeo / ws + cork |',
    '| :-- | --: | --: | --: | --: | --: |',
  ];
  for (const load of LOADS.filter((l) => only === undefined || only.includes(l.id))) {
    const counts: Record<string, number> = {};
    for (const id of SERVERS) {
      const instructions = await countOne(id, load, build.root);
      counts[id] = Math.round(instructions);
      process.stdout.write(
        `${load.id} ${id}: ${Math.round(instructions)} instructions per operation\n`,
      );
    }
    report[load.id] = counts;
    const per = (id: string): number => counts[id] ?? NaN;
    const k = (n: number): string => `${(n / 1000).toFixed(1)}k`;
    lines.push(
      `| ${load.title} | ${k(per('rodeo'))} | ${k(per('ws'))} | ${k(per('wsCork'))} | ` +
        `${(per('rodeo') / per('ws')).toFixed(2)}× | ${(per('rodeo') / per('wsCork')).toFixed(2)}× |`,
    );
  }
  const version = execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  process.stdout.write(`\nServer instructions per operation (${version}, callgrind):\n\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
  // With --only, the other loads keep their last counts (each load carries when it was counted).
  const file = join(RESULTS, 'instructions-latest.json');
  const kept =
    existsSync(file) && only !== undefined
      ? (JSON.parse(readFileSync(file, 'utf8')) as Saved).loads
      : {};
  const at = new Date().toISOString();
  const loads = { ...kept };
  for (const [id, counts] of Object.entries(report)) loads[id] = { at, ...counts };
  writeFileSync(
    file,
    `${JSON.stringify({ node: process.version, valgrind: version, loads }, null, 2)}\n`,
  );
  process.stdout.write('saved bench/results/instructions-latest.json\n');
}

/** Runs `load` against server `id` under callgrind; the instructions per operation. */
async function countOne(id: ServerId, load: Load, jsRoot: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'rodeo-bench-callgrind-'));
  const wrapper = [
    'valgrind',
    '--tool=callgrind',
    `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
    // V8 writes and rewrites its machine code: valgrind must notice (slower, but exact).
    '--smc-check=all-non-file',
    '--instr-atstart=no',
  ];
  const server = await launch(id, { jsRoot, wrapper });
  try {
    const row = { name: id, server: id, mode: load.mode, deflate: false } as const;
    const target = targetFor(row, server);
    const control = (arg: string): void => {
      execFileSync('callgrind_control', [arg, String(server.pid)], { stdio: 'ignore' });
    };
    if (load.frames === 0) {
      const shape = { concurrency: load.window, payload: 64 };
      await handshakeLoad(target, load.warmup, shape);
      control('--instr=on');
      await handshakeLoad(target, load.counted, shape);
    } else {
      const shape = {
        connections: 100,
        window: load.window,
        payload: 64,
        framesPerRequest: load.frames,
      };
      const pipelined = await pipelinedLoad(target, shape);
      await pipelined.run(load.warmup);
      control('--instr=on');
      await pipelined.run(load.counted);
      pipelined.close();
    }
    control('--instr=off');
    control('--dump');
    return dumpedInstructions(dir) / load.counted;
  } finally {
    await server.stop(30_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The instructions of the dump taken while instrumentation was on (the largest total in `dir`). */
function dumpedInstructions(dir: string): number {
  let most = 0;
  for (const file of readdirSync(dir)) {
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, file), 'utf8'));
    if (totals !== null) most = Math.max(most, Number(totals[1]));
  }
  if (most === 0) throw new Error('callgrind counted no instructions');
  return most;
}

runMain('instructions', main);
