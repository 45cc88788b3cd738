/** Round-trip latency at a fixed rate below saturation. */
import { targetFor } from './loaderProcess.js';
import { everyServer } from './rows.js';
import type { Scenario } from './types.js';

/** p99 (with p50 and p99.9 as extras) of 64 B echoes at `latencyRate` over 100 connections. */
export const latency: Scenario = {
  id: 'latency',
  title: 'Echo latency p99 at a fixed rate (64 B)',
  unit: 'µs',
  better: 'lower',
  freshServer: false,
  rows: () => everyServer('echo'),
  measure: (row, server, s, loader) =>
    loader.run(
      {
        kind: 'latency',
        target: targetFor(row, server),
        payload: 64,
        connections: s.connections,
        rate: s.latencyRate,
        warmupMs: s.warmupMs,
        measureMs: s.measureMs,
        serverPid: server.pid,
      },
      s.warmupMs + s.measureMs + 60_000,
    ),
  goals: [{ numerator: 'rodeo', denominator: 'ws', op: '<=', bound: 1.1 }],
};
