/**
 * Runs one scenario: servers alternated over several rounds, in an order that changes every round
 * (`inRoundOrder`), medians per row, ratios of every rodeo row to every other row, and the
 * performance goals checked on those ratios.
 */
import { loadavg } from 'node:os';
import type { Settings } from '../config.js';
import { launch, type LaunchOptions, type Prepared, type RunningServer } from '../servers/index.js';
import { median, medianRecord, round } from '../stats.js';
import { createLoader, type Loader } from './loaderProcess.js';
import { untilQuiet } from './quiet.js';
import type { GoalResult, Measurement, Row, RowResult, Scenario, ScenarioResult } from './types.js';

/** Progress output. */
export type Log = (line: string) => void;

/**
 * Runs a scenario against every row whose server is available.
 *
 * @param rounds Rounds, each running every row once (see `inRoundOrder`).
 */
export async function runScenario(
  sc: Scenario,
  s: Settings,
  rounds: number,
  prepared: Prepared,
  log: Log,
): Promise<ScenarioResult> {
  const began = performance.now();
  const loadBefore = round(loadavg()[0] ?? 0);
  const rows = sc.rows(s);
  const absent = new Map<string, string>();
  for (const row of rows) {
    const availability = prepared[row.server];
    const na = sc.notApplicable?.[row.server];
    if (!availability.ok) absent.set(row.name, availability.reason);
    else if (na !== undefined) absent.set(row.name, na);
  }
  const active = rows.filter((row) => !absent.has(row.name));
  const servers = new Map<string, RunningServer>();
  if (!sc.freshServer) {
    for (const row of active) {
      try {
        servers.set(row.name, await launch(row.server, launchOptions(row, s)));
      } catch (err) {
        absent.set(row.name, `did not start: ${firstLine(err)}`);
      }
    }
  }
  const runs = new Map<string, Measurement[]>(rows.map((r) => [r.name, []]));
  const loader = createLoader(s.pin, s.jsRoot);
  const errors = new Map<string, string>();
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const row of inRoundOrder(active, round)) {
        if (absent.has(row.name)) continue;
        // The servers left up (every row's) must not still be busy with the previous run.
        if (!(await untilQuiet([...servers.values()].flatMap((srv) => srv.pids)))) {
          log(`  [${sc.id}] servers still busy after a minute; measuring anyway`);
        }
        const m = await measureOnce(sc, row, s, loader, servers.get(row.name)).catch(
          (err: unknown) => {
            errors.set(row.name, firstLine(err));
            log(`  [${sc.id}] ${round}/${rounds} ${row.name}: failed: ${firstLine(err)}`);
            return null;
          },
        );
        if (m === null) continue;
        runs.get(row.name)?.push(withCpuPerOp(m, sc));
        log(`  [${sc.id}] ${round}/${rounds} ${row.name.padEnd(18)} ${describe(m, sc.unit)}`);
      }
    }
  } finally {
    await Promise.all([loader.close(), ...[...servers.values()].map((srv) => srv.stop())]);
  }
  const results = rows.map((row) => summarize(row, runs.get(row.name) ?? [], absent, errors));
  const ratios = ratiosOf(results);
  return {
    id: sc.id,
    title: sc.title,
    unit: sc.unit,
    better: sc.better,
    rows: results,
    ratios,
    goals: (sc.goals ?? []).map((g): GoalResult => {
      const ratio = ratios[`${g.numerator}/${g.denominator}`] ?? null;
      const met =
        ratio === null
          ? null
          : g.op === '>='
            ? ratio >= g.bound
            : g.op === '<='
              ? ratio <= g.bound
              : ratio > g.bound;
      return { ...g, ratio, met };
    }),
    seconds: Math.round((performance.now() - began) / 1000),
    load: [loadBefore, round(loadavg()[0] ?? 0)],
  };
}

/**
 * The rows of `round` (from 1), in the order of a Williams design (a balanced Latin square). What a
 * run leaves behind — TIME_WAIT sockets of a handshake run, a saturated server still working off
 * its backlog — weighs on the run right after it. In one fixed order the same row always follows
 * the same one (rodeo right after Yaws), and turning the list each round keeps every row's
 * neighbours; here each row follows a different one round after round, and over `n` rounds
 * (`2n` for an odd number of rows, every other round reversed) each row follows every other
 * exactly once.
 */
export function inRoundOrder<T>(rows: readonly T[], round: number): T[] {
  const n = rows.length;
  const odd = n % 2 === 1;
  const shift = odd ? Math.floor((round - 1) / 2) : round - 1;
  const order: T[] = [];
  // 0, 1, n-1, 2, n-2, … shifted by `shift`.
  for (let i = 0, low = 1, high = n - 1; i < n; i++) {
    const base = i === 0 ? 0 : i % 2 === 1 ? low++ : high--;
    order.push(rows[(base + shift) % n] as T);
  }
  return odd && round % 2 === 0 ? order.reverse() : order;
}

async function measureOnce(
  sc: Scenario,
  row: Row,
  s: Settings,
  loader: Loader,
  shared: RunningServer | undefined,
): Promise<Measurement> {
  if (shared !== undefined) return sc.measure(row, shared, s, loader);
  const server = await launch(row.server, launchOptions(row, s));
  try {
    return await sc.measure(row, server, s, loader);
  } finally {
    // A fresh server per run is only measured once: no need for a graceful close.
    await server.stop(0);
  }
}

function launchOptions(row: Row, s: Settings): LaunchOptions {
  return { ...row.launch, pin: s.pin, ...(s.jsRoot === null ? {} : { jsRoot: s.jsRoot }) };
}

/**
 * Adds `cpuUsPerOp`, the server's CPU microseconds per message (or handshake, delivery): unlike the
 * rate, it does not drop when other work on the machine takes the server's core away.
 */
function withCpuPerOp(m: Measurement, sc: Scenario): Measurement {
  if (m.cpu === undefined || sc.better !== 'higher' || m.value <= 0) return m;
  const cpuUsPerOp = round((m.cpu.server * 1e4) / m.value, 2);
  return { ...m, extra: { ...m.extra, cpuUsPerOp } };
}

function summarize(
  row: Row,
  runs: readonly Measurement[],
  absent: ReadonlyMap<string, string>,
  errors: ReadonlyMap<string, string>,
): RowResult {
  const base = { name: row.name, server: row.server, runs: runs.map((m) => m.value) };
  const reason = absent.get(row.name) ?? (runs.length === 0 ? errors.get(row.name) : undefined);
  if (runs.length === 0) return { ...base, median: null, absent: reason ?? 'no run' };
  const cpus = runs.flatMap((m) => (m.cpu ? [{ server: m.cpu.server, loader: m.cpu.loader }] : []));
  const extras = runs.flatMap((m) => (m.extra ? [m.extra] : []));
  return {
    ...base,
    median: median(base.runs),
    ...(cpus.length > 0
      ? {
          cpu: {
            server: median(cpus.map((c) => c.server)) ?? 0,
            loader: median(cpus.map((c) => c.loader)) ?? 0,
          },
        }
      : {}),
    ...(extras.length > 0 ? { extra: medianRecord(extras) } : {}),
  };
}

/**
 * rodeo rows over every other server's row, and rodeo's variants over plain `rodeo` and back
 * (2 nodes over 1), on medians.
 */
function ratiosOf(rows: readonly RowResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of rows) {
    if (a.server !== 'rodeo' || a.median === null) continue;
    for (const b of rows) {
      const variantOverRodeo = a.name !== 'rodeo' && b.name === 'rodeo';
      const rodeoOverVariant = a.name === 'rodeo' && b.server === 'rodeo' && b.name !== 'rodeo';
      const between = variantOverRodeo || rodeoOverVariant;
      if ((b.server === 'rodeo' && !between) || b.median === null || b.median === 0) {
        continue;
      }
      out[`${a.name}/${b.name}`] = round(a.median / b.median, 3);
    }
  }
  return out;
}

function describe(m: Measurement, unit: string): string {
  const cpu = m.cpu ? `  (cpu: server ${m.cpu.server}%, loader ${m.cpu.loader}%)` : '';
  const extra = m.extra
    ? `  ${Object.entries(m.extra)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`
    : '';
  return `${Math.round(m.value).toLocaleString('en-US')} ${unit}${cpu}${extra}`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
