/** What a scenario is made of, and what a run of it produces. */
import type { Settings } from '../config.js';
import type { CpuShare } from '../loader/job.js';
import type { PATHS } from '../servers/control.js';
import type { LaunchOptions, RunningServer, ServerId } from '../servers/index.js';
import type { Loader } from './loaderProcess.js';

/** Which behaviour a row asks of its server (a path, or a Socket.IO `mode`). */
export type Mode = keyof typeof PATHS;

/** One row of a scenario's table: a server, how it is started and what the loader asks of it. */
export interface Row {
  /** Unique within the scenario: `rodeo`, `rodeo (hibernate)`, `ws`, … */
  readonly name: string;
  readonly server: ServerId;
  readonly mode: Mode;
  /** The loader offers permessage-deflate. */
  readonly deflate: boolean;
  /** How the loader reaches the server: wss over HTTP/1.1, or HTTP/2 streams (default: ws). */
  readonly transport?: 'tls' | 'h2';
  readonly launch?: LaunchOptions;
}

/** One measurement. */
export interface Measurement {
  readonly value: number;
  readonly cpu?: CpuShare;
  readonly extra?: Readonly<Record<string, number>>;
}

/** A ratio with a performance goal. */
export interface Goal {
  readonly numerator: string;
  readonly denominator: string;
  readonly op: '>=' | '<=' | '>';
  readonly bound: number;
}

/** A scenario. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** Every row, whether or not its server can run here (absent ones are reported, not dropped). */
  rows(s: Settings): readonly Row[];
  /** Rows whose server cannot do this scenario at all, with the reason. */
  readonly notApplicable?: Readonly<Partial<Record<ServerId, string>>>;
  /** Start a fresh server for every run (memory), instead of one per row for the whole scenario. */
  readonly freshServer: boolean;
  /** One measurement of one row against a running server. */
  measure(row: Row, server: RunningServer, s: Settings, loader: Loader): Promise<Measurement>;
  readonly goals?: readonly Goal[];
}

/** A row's figures over the rounds. */
export interface RowResult {
  readonly name: string;
  readonly server: ServerId;
  /** Median over the runs; `null` if absent or every run failed. */
  readonly median: number | null;
  readonly runs: readonly number[];
  readonly cpu?: CpuShare;
  readonly extra?: Readonly<Record<string, number>>;
  /** Why there is no figure. */
  readonly absent?: string;
}

/** A goal and whether this run met it. */
export interface GoalResult extends Goal {
  readonly ratio: number | null;
  readonly met: boolean | null;
}

/** A scenario's result. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly rows: readonly RowResult[];
  /** `numerator/denominator` → ratio of medians, for every rodeo row against every other row. */
  readonly ratios: Readonly<Record<string, number>>;
  readonly goals: readonly GoalResult[];
  readonly seconds: number;
  /** 1-minute load average before and after: other work on the machine shows up here. */
  readonly load: readonly [number, number];
}
