/**
 * Idle memory per connection: a fresh server, N connections opened and one message exchanged on
 * each, then RSS (and V8 heap for Node servers, after a full GC) compared with the fresh server's.
 */
import type { Settings } from '../config.js';
import type { RunningServer } from '../servers/index.js';
import { targetFor, type Loader } from './loaderProcess.js';
import { everyServer, withRodeoVariant } from './rows.js';
import type { Measurement, Row, Scenario } from './types.js';

/** Time for the server to settle (hibernate, timers) after the last echo. */
const SETTLE_MS = 600;
/** The message of the compressed variant: above ws's 1 KiB threshold, so the reply is deflated too. */
const DEFLATE_PAYLOAD = 2048;

/** Idle connections without compression; rodeo also as a pipeline and with `hibernate`. */
export const idlePlain: Scenario = {
  id: 'idle-memory',
  title: 'Idle memory per connection (one 64 B message exchanged)',
  unit: 'B/conn',
  better: 'lower',
  freshServer: true,
  rows: () =>
    withRodeoVariant(
      withRodeoVariant(everyServer('echo'), 'rodeo (pipeline)', 'pipeline'),
      'rodeo (hibernate)',
      'hibernate',
    ),
  measure: (row, server, s, loader) => idle(loader, row, server, s, 64),
  goals: [
    { numerator: 'rodeo', denominator: 'ws', op: '<=', bound: 1.15 },
    { numerator: 'rodeo (pipeline)', denominator: 'rodeo', op: '<=', bound: 1.3 },
  ],
};

/** Idle connections with permessage-deflate negotiated and one compressed message exchanged. */
export const idleDeflate: Scenario = {
  id: 'idle-memory-deflate',
  title: 'Idle memory per connection, permessage-deflate (one 2 KiB message exchanged)',
  unit: 'B/conn',
  better: 'lower',
  freshServer: true,
  rows: () =>
    withRodeoVariant(everyServer('deflate', true), 'rodeo (hibernate)', 'deflateHibernate'),
  notApplicable: { yaws: 'Yaws 2.1 has no permessage-deflate' },
  measure: (row, server, s, loader) => idle(loader, row, server, s, DEFLATE_PAYLOAD),
  goals: [{ numerator: 'rodeo (hibernate)', denominator: 'ws', op: '<=', bound: 0.2 }],
};

async function idle(
  loader: Loader,
  row: Row,
  server: RunningServer,
  s: Settings,
  payload: number,
): Promise<Measurement> {
  const n = s.idleConnections;
  const before = await server.memory();
  const held = await loader.hold(
    {
      kind: 'idle',
      target: targetFor(row, server),
      connections: n,
      payload,
      holdMs: 120_000,
    },
    120_000,
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const after = await server.memory();
    if (held.echoed < n) throw new Error(`only ${held.echoed} of ${n} connections echoed`);
    const heap =
      after.heapUsed !== null && before.heapUsed !== null
        ? { heapPerConn: Math.round((after.heapUsed - before.heapUsed) / n) }
        : {};
    return {
      value: Math.round((after.rss - before.rss) / n),
      extra: { ...heap, rssMiB: Math.round(after.rss / 2 ** 20) },
    };
  } finally {
    await held.release();
  }
}
