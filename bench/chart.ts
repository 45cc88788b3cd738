/**
 * The ratio chart, hand-written SVG: one bar per (scenario, peer) showing rodeo / peer on a log
 * scale around 1×, green where rodeo is better, red where it is worse, goals as black ticks.
 */
import type { Summary } from './report.js';
import { SPECS, type ServerId } from './servers/index.js';

const WIDTH = 860;
const LABEL_W = 330;
const BAR_H = 14;
const GAP = 4;
const TOP = 56;
/** The log axis spans 1/MAX_RATIO … MAX_RATIO. */
const MAX_RATIO = 16;

interface Bar {
  readonly label: string;
  readonly ratio: number;
  readonly better: boolean;
  readonly goal?: number;
}

/** The SVG document for a run's ratios. */
export function ratioChart(summary: Summary): string {
  const bars: (Bar | string)[] = [];
  for (const sc of summary.scenarios) {
    bars.push(`${sc.title} (${sc.better} is better)`);
    for (const [key, ratio] of Object.entries(sc.ratios)) {
      const [num = '', den = ''] = key.split('/');
      const goal = sc.goals.find((g) => g.numerator === num && g.denominator === den);
      const numLabel = num === 'rodeo' ? 'rodeo' : num;
      bars.push({
        label: `${numLabel} / ${SPECS[den as ServerId]?.label ?? den}`,
        ratio,
        better: sc.better === 'higher' ? ratio >= 1 : ratio <= 1,
        ...(goal === undefined ? {} : { goal: goal.bound }),
      });
    }
  }
  const height = TOP + bars.length * (BAR_H + GAP) + 40;
  const plotW = WIDTH - LABEL_W - 20;
  const x = (ratio: number): number => {
    const clamped = Math.min(MAX_RATIO, Math.max(1 / MAX_RATIO, ratio));
    return LABEL_W + ((Math.log(clamped) / Math.log(MAX_RATIO) + 1) / 2) * plotW;
  };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">rodeo / peer, same run, medians (log scale; green: rodeo better, black tick: goal)</text>`,
    `<text x="10" y="36" fill="#555">${escape(summary.machine.cpu)}, ${summary.machine.cores} cores, Node ${summary.machine.node}${summary.quick ? ', --quick' : ''}, ${summary.startedAt.slice(0, 16)}Z</text>`,
  ];
  for (const tick of [1 / 16, 1 / 4, 1 / 2, 1, 2, 4, 16]) {
    const tx = x(tick).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - 30}" stroke="${tick === 1 ? '#000' : '#ddd'}"/>`,
      `<text x="${tx}" y="${height - 16}" text-anchor="middle" fill="#555">${tick < 1 ? `1/${1 / tick}` : tick}×</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const y = TOP + i * (BAR_H + GAP);
    if (typeof bar === 'string') {
      out.push(`<text x="10" y="${y + BAR_H - 3}" font-weight="bold">${escape(bar)}</text>`);
      return;
    }
    const x0 = Math.min(x(1), x(bar.ratio));
    const w = Math.max(1, Math.abs(x(bar.ratio) - x(1)));
    out.push(
      `<text x="${LABEL_W - 8}" y="${y + BAR_H - 3}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${bar.better ? '#3a9d5d' : '#d0543f'}"/>`,
      `<text x="${(x(bar.ratio) + (bar.ratio >= 1 ? 4 : -4)).toFixed(1)}" y="${y + BAR_H - 3}" text-anchor="${bar.ratio >= 1 ? 'start' : 'end'}">${bar.ratio.toFixed(2)}×</text>`,
    );
    if (bar.goal !== undefined) {
      const gx = x(bar.goal).toFixed(1);
      out.push(
        `<line x1="${gx}" y1="${y - 1}" x2="${gx}" y2="${y + BAR_H + 1}" stroke="#000" stroke-width="2"/>`,
      );
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
