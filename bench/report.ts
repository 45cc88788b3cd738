/** The readable output: a results table (text or Markdown), CPU shares, goals, and the JSON summary. */
import type { Machine } from './machine.js';
import type { ScenarioResult } from './scenarios/types.js';
import { SERVER_IDS, SPECS, type ServerId } from './servers/index.js';

/** Everything a run produced. */
export interface Summary {
  readonly startedAt: string;
  readonly command: string;
  readonly quick: boolean;
  readonly machine: Machine;
  /** Servers that could not run at all here, with the reason. */
  readonly absent: Readonly<Partial<Record<ServerId, string>>>;
  readonly scenarios: readonly ScenarioResult[];
  readonly seconds: number;
}

const OTHERS = SERVER_IDS.filter((id) => id !== 'rodeo');

/** One table line per scenario (and one more per extra rodeo row, e.g. hibernate). */
export function tableRows(summary: Summary): string[][] {
  const header = [
    'Scenario',
    ...SERVER_IDS.map((id) => SPECS[id].label),
    ...OTHERS.map((id) => `rodeo / ${SPECS[id].label}`),
  ];
  const lines: string[][] = [header];
  for (const sc of summary.scenarios) {
    const rodeoRows = sc.rows.filter((r) => r.server === 'rodeo');
    for (const rodeo of rodeoRows) {
      const title = `${sc.title} [${sc.unit}]${rodeo.name === 'rodeo' ? '' : ` — ${rodeo.name}`}`;
      const cells = SERVER_IDS.map((id) => {
        const row = id === 'rodeo' ? rodeo : sc.rows.find((r) => r.name === id);
        if (row === undefined) return 'n/a';
        return row.median === null ? 'n/a' : formatValue(row.median, sc.unit);
      });
      const ratios = OTHERS.map((id) => {
        const r = sc.ratios[`${rodeo.name}/${id}`];
        if (r === undefined) return '—';
        const goal = sc.goals.find((g) => g.numerator === rodeo.name && g.denominator === id);
        const mark = goal === undefined || goal.met === null ? '' : goal.met ? ' ✓' : ' ✗';
        return `${r.toFixed(2)}×${mark}`;
      });
      lines.push([title, ...cells, ...ratios]);
    }
  }
  return lines;
}

/** CPU of server / loader in percent of one core, median per row. */
export function cpuRows(summary: Summary): string[][] {
  const lines: string[][] = [
    ['Scenario (server % / loader %)', ...SERVER_IDS.map((id) => SPECS[id].label)],
  ];
  for (const sc of summary.scenarios) {
    if (!sc.rows.some((r) => r.cpu !== undefined)) continue;
    lines.push([
      sc.title,
      ...SERVER_IDS.map((id) => {
        const cpu = sc.rows.find((r) => r.name === id)?.cpu;
        return cpu ? `${Math.round(cpu.server)} / ${Math.round(cpu.loader)}` : '—';
      }),
    ]);
  }
  return lines;
}

/** Server CPU µs per operation (median), and rodeo's over each peer's: the contention-proof view. */
export function cpuPerOpRows(summary: Summary): string[][] {
  const lines: string[][] = [
    [
      'Server CPU per operation [µs]',
      ...SERVER_IDS.map((id) => SPECS[id].label),
      ...OTHERS.map((id) => `rodeo / ${SPECS[id].label}`),
    ],
  ];
  for (const sc of summary.scenarios) {
    const cost = (id: ServerId): number | undefined =>
      sc.rows.find((r) => r.name === id)?.extra?.['cpuUsPerOp'];
    const rodeo = cost('rodeo');
    if (rodeo === undefined) continue;
    lines.push([
      sc.title,
      ...SERVER_IDS.map((id) => cost(id)?.toFixed(2) ?? '—'),
      ...OTHERS.map((id) => {
        const other = cost(id);
        return other === undefined || other === 0 ? '—' : `${(rodeo / other).toFixed(2)}×`;
      }),
    ]);
  }
  return lines;
}

/** The project's performance goals, met or not. */
export function goalLines(summary: Summary): string[] {
  return summary.scenarios.flatMap((sc) =>
    sc.goals.map((g) => {
      const mark = g.met === null ? '?' : g.met ? '✓' : '✗';
      const ratio = g.ratio === null ? 'n/a' : `${g.ratio.toFixed(3)}×`;
      return `${mark} ${sc.title}: ${g.numerator} / ${SPECS[g.denominator as ServerId]?.label ?? g.denominator} = ${ratio} (goal ${g.op} ${g.bound})`;
    }),
  );
}

/** Why rows have no figure. */
export function absentLines(summary: Summary): string[] {
  const out = Object.entries(summary.absent).map(([id, why]) => `${id}: ${why}`);
  for (const sc of summary.scenarios) {
    for (const row of sc.rows) {
      if (row.absent !== undefined && summary.absent[row.server] === undefined) {
        out.push(`${sc.id} / ${row.name}: ${row.absent}`);
      }
    }
  }
  return out;
}

/** Renders rows as a padded text table. */
export function textTable(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r, n) => {
      const line = r.map((c, i) =>
        i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      );
      const text = line.join('  ');
      return n === 0 ? `${text}\n${'-'.repeat(text.length)}` : text;
    })
    .join('\n');
}

/** Renders rows as a Markdown table. */
export function markdownTable(rows: readonly string[][]): string {
  const [head, ...body] = rows;
  if (head === undefined) return '';
  const align = head.map((_, i) => (i === 0 ? ':--' : '--:'));
  return [head, align, ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The machine line of the report. */
export function machineLine(m: Machine): string {
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}, ws ${m.ws}, ` +
    `Socket.IO ${m.socketio}; Python ${m.python} + websockets ${m.pythonWebsockets}; ` +
    `Erlang ${m.erlang}, Yaws ${m.yaws}`
  );
}

/** A figure with its unit, compactly. */
export function formatValue(value: number, unit: string): string {
  if (unit === 'B/conn') return `${(value / 1000).toFixed(1)} KB`;
  if (unit === 'µs') return `${Math.round(value)} µs`;
  if (value >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return `${Math.round(value)}`;
}

/** The measured part of docs/performance.md: table, chart, CPU, goals, machine and command. */
export function markdownSection(summary: Summary): string {
  const missing = absentLines(summary);
  return [
    `Measured ${summary.startedAt.slice(0, 16).replace('T', ' ')} UTC with \`${summary.command}\` ` +
      `(${summary.seconds} s) on: ${machineLine(summary.machine)}.`,
    '',
    markdownTable(tableRows(summary)),
    '',
    '![rodeo / peer ratios](bench/results/ratios.svg)',
    '',
    'CPU of the server and of the loader during the measured windows (percent of one core, medians):',
    '',
    markdownTable(cpuRows(summary)),
    '',
    'Server CPU per operation (lower is better; unlike rates, it holds when other work shares the cores):',
    '',
    markdownTable(cpuPerOpRows(summary)),
    '',
    'Performance goals on this run:',
    '',
    ...goalLines(summary).map((l) => `- ${l}`),
    ...(missing.length > 0 ? ['', 'Absent rows:', '', ...missing.map((l) => `- ${l}`)] : []),
    '',
  ].join('\n');
}
