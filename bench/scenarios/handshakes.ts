/** Handshakes per second: connect, upgrade, one echo, close. */
import { targetFor } from './loaderProcess.js';
import { everyServer } from './rows.js';
import type { Scenario } from './types.js';

/** Full connection lifecycles per second, `handshakeConcurrency` at a time. */
export const handshakes: Scenario = {
  id: 'handshakes',
  title: 'Handshakes (connect, upgrade, one echo, close)',
  unit: 'conn/s',
  better: 'higher',
  freshServer: false,
  rows: () => everyServer('echo'),
  measure: (row, server, s, loader) =>
    loader.run(
      {
        kind: 'handshakes',
        target: targetFor(row, server),
        payload: 64,
        concurrency: s.handshakeConcurrency,
        warmupMs: s.warmupMs,
        measureMs: s.measureMs,
        serverPid: server.pid,
      },
      s.warmupMs + s.measureMs + 60_000,
    ),
  goals: [{ numerator: 'rodeo', denominator: 'ws', op: '>=', bound: 1.0 }],
};
