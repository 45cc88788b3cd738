/** Pipelined echo throughput (64 B, 16 KiB) and the multi-frame reply scenario. */
import type { Settings } from '../config.js';
import { MULTI_FRAMES } from '../servers/control.js';
import type { RunningServer } from '../servers/index.js';
import { targetFor, type Loader } from './loaderProcess.js';
import { everyServer, withRodeoVariant } from './rows.js';
import type { Measurement, Row, Scenario } from './types.js';

/** Echo of `payload`-byte text messages, 100 connections, `window` in flight on each. */
function echo(id: string, payload: number, pick: (s: Settings) => number): Scenario {
  return {
    id,
    title: `Echo throughput, ${payload >= 1024 ? `${payload / 1024} KiB` : `${payload} B`}`,
    unit: 'msgs/s',
    better: 'higher',
    freshServer: false,
    rows: () =>
      payload === 64
        ? withRodeoVariant(everyServer('echo'), 'rodeo (pipeline)', 'pipeline')
        : everyServer('echo'),
    measure: (row, server, s, loader) => pipelined(loader, row, server, s, payload, pick(s), 1),
    goals:
      payload === 64
        ? [
            { numerator: 'rodeo', denominator: 'ws', op: '>=', bound: 0.95 },
            { numerator: 'rodeo', denominator: 'wsCork', op: '>=', bound: 0.9 },
            { numerator: 'rodeo (pipeline)', denominator: 'rodeo', op: '>=', bound: 0.9 },
            { numerator: 'rodeo', denominator: 'socketio', op: '>=', bound: 2 },
            { numerator: 'rodeo', denominator: 'python', op: '>', bound: 1 },
            { numerator: 'rodeo', denominator: 'yaws', op: '>', bound: 1 },
          ]
        : [],
  };
}

/** Echo 64 B. */
export const echo64 = echo('echo-64', 64, (s) => s.window.small);
/** Echo 16 KiB. */
export const echo16k = echo('echo-16k', 16 * 1024, (s) => s.window.large);

/** One request answered by 10 frames: rodeo's one `reply` against 10 `send` calls. */
export const multiFrame: Scenario = {
  id: 'multi-frame',
  title: `Multi-frame reply (1 → ${MULTI_FRAMES} frames, 64 B)`,
  unit: 'msgs/s',
  better: 'higher',
  freshServer: false,
  rows: () => everyServer('multi'),
  measure: (row, server, s, loader) =>
    pipelined(loader, row, server, s, 64, s.window.multi, MULTI_FRAMES),
  goals: [
    { numerator: 'rodeo', denominator: 'ws', op: '>=', bound: 1.2 },
    { numerator: 'rodeo', denominator: 'wsCork', op: '>=', bound: 0.9 },
  ],
};

function pipelined(
  loader: Loader,
  row: Row,
  server: RunningServer,
  s: Settings,
  payload: number,
  window: number,
  framesPerRequest: number,
): Promise<Measurement> {
  return loader.run(
    {
      kind: 'throughput',
      target: targetFor(row, server),
      payload,
      connections: s.connections,
      window,
      framesPerRequest,
      warmupMs: s.warmupMs,
      measureMs: s.measureMs,
      serverPid: server.pid,
    },
    s.warmupMs + s.measureMs + 60_000,
  );
}
