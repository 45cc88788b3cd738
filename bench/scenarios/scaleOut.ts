/**
 * Scale-out: rodeo as 2 node processes on `RedisRegistry` against the same on 1 process, and
 * against Socket.IO's 2 nodes on `@socket.io/redis-adapter`. The CPU of every node and of the
 * redis-server is added up, so CPU per delivery compares whole setups.
 */
import { targetAt, targetFor } from './loaderProcess.js';
import type { Row, Scenario } from './types.js';

const TWO_NODES = { nodes: 2 } as const;

/** Deliveries/s of a broadcast to a group spread over the nodes (the trigger is on the first). */
export const scaleOutBroadcast: Scenario = {
  id: 'scaleout-broadcast',
  title: 'Broadcast to a group spread over 2 nodes on Redis (64 B)',
  unit: 'deliveries/s',
  better: 'higher',
  freshServer: false,
  rows: (): Row[] => [
    { name: 'rodeo', server: 'rodeo', mode: 'broadcast', deflate: false, launch: TWO_NODES },
    { name: 'rodeo (1 node)', server: 'rodeo', mode: 'broadcast', deflate: false },
    { name: 'socketio', server: 'socketio', mode: 'broadcast', deflate: false, launch: TWO_NODES },
  ],
  measure: (row, server, s, loader) =>
    loader.run(
      {
        kind: 'broadcast',
        target: targetFor(row, server),
        spread: server.ports.slice(1).map((port) => targetAt(row, port, server.spec.sio)),
        payload: 64,
        connections: s.scaleOut.group,
        window: s.scaleOut.window,
        warmupMs: s.warmupMs,
        measureMs: s.measureMs,
        serverPid: server.pids,
      },
      s.warmupMs + s.measureMs + 120_000,
    ),
  goals: [
    { numerator: 'rodeo', denominator: 'rodeo (1 node)', op: '>=', bound: 0.8 },
    { numerator: 'rodeo', denominator: 'socketio', op: '>=', bound: 2 },
  ],
};

/**
 * p99 of info sent from a connection on one node to a connection on the other, at a fixed rate.
 * Two more rows give the floor of this machine at the same rate and connections: the same pair of
 * handlers on one node (no Redis: two processes, the loader and the node), and a bare ws echo (the
 * cheapest round trip through one server process). A cross-node message passes four processes —
 * the loader, both nodes and redis-server — on the same two cores.
 */
export const scaleOutLatency: Scenario = {
  id: 'scaleout-latency',
  title: 'Cross-node info latency p99 at 10 000 msgs/s (64 B)',
  unit: 'µs',
  better: 'lower',
  freshServer: false,
  rows: (): Row[] => [
    { name: 'rodeo', server: 'rodeo', mode: 'pair', deflate: false, launch: TWO_NODES },
    { name: 'rodeo (1 node)', server: 'rodeo', mode: 'pair', deflate: false },
    { name: 'ws', server: 'ws', mode: 'echo', deflate: false },
    { name: 'socketio', server: 'socketio', mode: 'pair', deflate: false, launch: TWO_NODES },
  ],
  measure: (row, server, s, loader) => {
    const timed = {
      rate: s.scaleOut.rate,
      payload: 64,
      warmupMs: s.warmupMs,
      measureMs: s.measureMs,
      serverPid: server.pids,
    };
    const timeoutMs = s.warmupMs + s.measureMs + 60_000;
    if (row.mode === 'echo') {
      const target = targetFor(row, server);
      return loader.run(
        { kind: 'latency', target, connections: s.scaleOut.pairs, ...timed },
        timeoutMs,
      );
    }
    // Senders on the first node, receivers on the second — or on the same one for the 1-node row.
    const [first = server.port, second = first] = server.ports;
    return loader.run(
      {
        kind: 'crossLatency',
        target: targetAt(row, first, server.spec.sio),
        receivers: targetAt(row, second, server.spec.sio),
        pairs: s.scaleOut.pairs,
        ...timed,
      },
      timeoutMs,
    );
  },
};
