/**
 * Reading a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, and how much of it
 * is rodeo's own code (`src/operators`, `src/server`, …) against RxJS, ws, Node and the rest.
 */
import { readFileSync } from 'node:fs';

/** One function's self time. */
export interface SelfTime {
  readonly name: string;
  /** `src/operators/mailboxScan.ts:42`, `node_modules/ws/lib/sender.js:120`, `(native)`, … */
  readonly where: string;
  readonly category: Category;
  readonly ms: number;
  readonly percent: number;
}

/** Where a function comes from. */
export type Category = 'rodeo' | 'rxjs' | 'ws' | 'node' | 'gc' | 'idle' | 'other';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * Self time per function, largest first.
 *
 * @param file A `.cpuprofile` path.
 * @return Every function with self time, and the total busy (non-idle) milliseconds.
 */
export function selfTimes(file: string): { functions: SelfTime[]; busyMs: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<string, { name: string; where: string; category: Category; us: number }>();
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    if (node === undefined) return;
    const frame = node.callFrame;
    const where = locate(frame.url, frame.lineNumber);
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = micros.get(key) ?? { name, where, category: categorize(name, frame.url), us: 0 };
    entry.us += profile.timeDeltas[i] ?? 0;
    micros.set(key, entry);
  });
  const all = [...micros.values()];
  const busyUs = all.filter((e) => e.category !== 'idle').reduce((sum, e) => sum + e.us, 0);
  const functions = all
    .map((e) => ({
      name: e.name,
      where: e.where,
      category: e.category,
      ms: Math.round(e.us / 100) / 10,
      percent: Math.round((1000 * e.us) / Math.max(1, busyUs)) / 10,
    }))
    .sort((a, b) => b.ms - a.ms);
  return { functions, busyMs: Math.round(busyUs / 1000) };
}

/** Busy time per category, in percent. */
export function byCategory(functions: readonly SelfTime[]): Record<Category, number> {
  const out: Record<Category, number> = {
    rodeo: 0,
    rxjs: 0,
    ws: 0,
    node: 0,
    gc: 0,
    idle: 0,
    other: 0,
  };
  for (const f of functions) if (f.category !== 'idle') out[f.category] += f.percent;
  for (const key of Object.keys(out) as Category[]) out[key] = Math.round(out[key] * 10) / 10;
  return out;
}

function locate(url: string, line: number): string {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const i = path.indexOf('/node_modules/');
  const short = i >= 0 ? path.slice(i + 1) : path.replace(/^.*\/(src|bench|examples)\//, '$1/');
  return `${short}:${line + 1}`;
}

function categorize(name: string, url: string): Category {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'gc';
  if (url.includes('/node_modules/rxjs/')) return 'rxjs';
  if (url.includes('/node_modules/ws/')) return 'ws';
  if (/\/(src)\//.test(url) && !url.includes('/node_modules/')) return 'rodeo';
  if (url.startsWith('node:') || url === '' || name.startsWith('(')) return 'node';
  return 'other';
}
