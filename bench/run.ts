/**
 * `npm run bench [-- --quick] [--json] [--pin] [--only=echo-64,latency] [--from=results.json]`: rodeo against bare ws,
 * Socket.IO, Python websockets and Yaws, every figure a ratio measured in the same run.
 * `--rounds=N`, `--warmup=MS` and `--measure=MS` override the rounds and the time per row.
 *
 * Prints progress, then the table, CPU shares and goals; saves `bench/results/<timestamp>.json`,
 * `bench/results/latest.json` and `bench/results/ratios.svg`. With `--json` the progress goes to
 * stderr and the JSON summary is the last line of stdout.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compileForBench } from './build.js';
import { ratioChart } from './chart.js';
import { settings, type Settings } from './config.js';
import { machine } from './machine.js';
import { runMain } from './proc.js';
import {
  absentLines,
  cpuPerOpRows,
  cpuRows,
  goalLines,
  machineLine,
  markdownSection,
  tableRows,
  textTable,
  type Summary,
} from './report.js';
import { broadcast } from './scenarios/broadcast.js';
import { handshakes } from './scenarios/handshakes.js';
import { latency } from './scenarios/latency.js';
import { idleDeflate, idlePlain } from './scenarios/memory.js';
import { runScenario } from './scenarios/runner.js';
import { http2Echo, http2Handshakes } from './scenarios/http2.js';
import { scaleOutBroadcast, scaleOutLatency } from './scenarios/scaleOut.js';
import { echo16k, echo64, multiFrame } from './scenarios/throughput.js';
import type { ScenarioResult } from './scenarios/types.js';
import { prepareServers, SERVER_IDS, type ServerId } from './servers/index.js';

/** Every scenario, in run order. */
const SCENARIOS = [
  echo64,
  echo16k,
  latency,
  multiFrame,
  handshakes,
  broadcast,
  idlePlain,
  idleDeflate,
  scaleOutBroadcast,
  scaleOutLatency,
  http2Handshakes,
  http2Echo,
];
/** A 1-minute load average above this means the figures share the cores with other work. */
const BUSY_LOAD = 0.7;
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const from = argv.find((a) => a.startsWith('--from='))?.slice('--from='.length);
  if (from !== undefined) {
    // Re-render a saved run (tables, latest.md, ratios.svg) without measuring anything.
    publish(JSON.parse(readFileSync(from, 'utf8')) as Summary, (line) => {
      process.stdout.write(`${line}\n`);
    });
    return;
  }
  const quick = argv.includes('--quick');
  const json = argv.includes('--json');
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const log = json ? (line: string) => void process.stderr.write(`${line}\n`) : out;
  log('compiling the servers and the loader with tsc …');
  const build = compileForBench();
  if (build.root === null) log(`  tsc failed, running through tsx instead: ${build.reason}`);
  const s = overridden(settings(quick, argv.includes('--pin'), build.root), argv);
  const began = performance.now();
  const startedAt = new Date().toISOString();

  log(`rodeo bench${quick ? ' --quick' : ''}: preparing servers …`);
  const prepared = prepareServers(await rodeoReady(), log);
  const absent: Partial<Record<ServerId, string>> = {};
  for (const id of SERVER_IDS) {
    const a = prepared[id];
    if (!a.ok) absent[id] = a.reason;
    log(`  ${id}: ${a.ok ? 'ready' : `ABSENT (${a.reason})`}`);
  }
  const m = machine();
  log(`machine: ${machineLine(m)}`);
  const load = loadavg()[0] ?? 0;
  if (load > BUSY_LOAD) {
    log(`warning: load average ${load.toFixed(2)} before the run — other work shares the cores`);
  }

  const results: ScenarioResult[] = [];
  for (const sc of SCENARIOS.filter((x) => only === undefined || only.includes(x.id))) {
    const rounds = sc.freshServer ? s.idleRounds : s.rounds;
    log(`\n== ${sc.title} (${rounds} rounds, servers alternated) ==`);
    results.push(await runScenario(sc, s, rounds, prepared, log));
  }

  const summary: Summary = {
    startedAt,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    quick,
    machine: m,
    absent,
    scenarios: results,
    seconds: Math.round((performance.now() - began) / 1000),
  };
  mkdirSync(RESULTS, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  const body = `${JSON.stringify(summary, null, 2)}\n`;
  writeFileSync(`${RESULTS}${stamp}.json`, body);
  writeFileSync(`${RESULTS}latest.json`, body);
  publish(summary, out);
  out(`saved bench/results/${stamp}.json and latest.json`);
  if (json) out(JSON.stringify(summary));
}

/** Prints the tables and goals, and writes `latest.md` (the tables of docs/performance.md) and `ratios.svg`. */
function publish(summary: Summary, out: (line: string) => void): void {
  writeFileSync(`${RESULTS}ratios.svg`, ratioChart(summary));
  writeFileSync(`${RESULTS}latest.md`, markdownSection(summary));
  out('');
  out(`Results (medians of alternated runs; ratio = rodeo / peer, same run)`);
  out(`machine: ${machineLine(summary.machine)}`);
  out(textTable(tableRows(summary)));
  out('');
  out(textTable(cpuRows(summary)));
  out('');
  out(textTable(cpuPerOpRows(summary)));
  out('');
  for (const line of goalLines(summary)) out(line);
  const missing = absentLines(summary);
  if (missing.length > 0) out(`\nabsent:\n${missing.map((l) => `  ${l}`).join('\n')}`);
  out(
    `\nwrote bench/results/latest.md (for docs/performance.md) and ratios.svg; took ${summary.seconds} s`,
  );
}

/** Whether this checkout's rodeo has its server yet. */
async function rodeoReady(): Promise<boolean> {
  const mod = (await import('../src/index.js')) as Record<string, unknown>;
  return typeof mod['serve'] === 'function' && typeof mod['LocalRegistry'] === 'function';
}

runMain('bench', main);

/** `settings` with `--rounds=N`, `--warmup=MS` and `--measure=MS` applied. */
function overridden(base: Settings, argv: readonly string[]): Settings {
  const option = (name: string): number | undefined => {
    const value = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0)
      throw new Error(`--${name} needs a positive integer`);
    return parsed;
  };
  const rounds = option('rounds');
  const warmupMs = option('warmup');
  const measureMs = option('measure');
  return {
    ...base,
    ...(rounds === undefined ? {} : { rounds }),
    ...(warmupMs === undefined ? {} : { warmupMs }),
    ...(measureMs === undefined ? {} : { measureMs }),
  };
}
