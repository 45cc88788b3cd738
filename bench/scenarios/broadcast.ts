/** Broadcast: one message to a group of 1 000 connections. */
import { targetFor } from './loaderProcess.js';
import { everyServer } from './rows.js';
import type { Scenario } from './types.js';

/**
 * Deliveries per second. rodeo uses `registry.broadcast` (one serialization for the group), bare ws
 * a loop of `send`, Socket.IO a room emit, Python `websockets.broadcast`, Yaws one
 * `websocket_send` per member process.
 */
export const broadcast: Scenario = {
  id: 'broadcast',
  title: 'Broadcast to a group of 1 000 (64 B)',
  unit: 'deliveries/s',
  better: 'higher',
  freshServer: false,
  rows: () => everyServer('broadcast'),
  measure: (row, server, s, loader) =>
    loader.run(
      {
        kind: 'broadcast',
        target: targetFor(row, server),
        payload: 64,
        connections: s.broadcast.group,
        window: s.broadcast.window,
        warmupMs: s.warmupMs,
        measureMs: s.measureMs,
        serverPid: server.pid,
      },
      s.warmupMs + s.measureMs + 60_000,
    ),
};
