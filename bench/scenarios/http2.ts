/**
 * WebSockets over HTTP/2 (RFC 8441) against wss over HTTP/1.1, both on rodeo serving TLS with
 * HTTP/2 and HTTP/1.1 on one port: handshakes (a stream of one connection against a TCP and TLS
 * handshake per socket) and echo throughput (100 sockets multiplexed on one connection against
 * 100 connections).
 */
import { handshakes } from './handshakes.js';
import { echo64 } from './throughput.js';
import type { Row, Scenario } from './types.js';

const TLS = { tls: true } as const;
/** The HTTP/2 row is "rodeo": the runner computes a variant's ratio against the row of that name. */
const H2 = 'rodeo';
const WSS = 'rodeo (wss, HTTP/1.1)';

/** The two rows: HTTP/2 streams (`rodeo`), and wss over HTTP/1.1, on the same server. */
function rows(): Row[] {
  return [
    {
      name: H2,
      server: 'rodeo',
      mode: 'echo',
      deflate: false,
      transport: 'h2',
      launch: TLS,
    },
    {
      name: WSS,
      server: 'rodeo',
      mode: 'echo',
      deflate: false,
      transport: 'tls',
      launch: TLS,
    },
  ];
}

/** Connect, upgrade, one echo, close — measured as `handshakes`, over TLS. */
export const http2Handshakes: Scenario = {
  id: 'h2-handshakes',
  title: 'Handshakes over TLS: rodeo = HTTP/2 streams of one connection, vs wss (HTTP/1.1)',
  unit: 'conn/s',
  better: 'higher',
  freshServer: false,
  rows,
  measure: handshakes.measure,
  // A stream of an open connection skips the TCP and TLS handshakes a wss socket pays for.
  goals: [{ numerator: H2, denominator: WSS, op: '>=', bound: 2 }],
};

/** Pipelined 64 B echo, measured as `echo-64`: streams of one HTTP/2 connection, or wss. */
export const http2Echo: Scenario = {
  id: 'h2-echo',
  title: 'Echo throughput over TLS, 64 B: rodeo = 100 HTTP/2 streams on one connection, vs 100 wss',
  unit: 'msgs/s',
  better: 'higher',
  freshServer: false,
  rows,
  measure: echo64.measure,
  // Multiplexing 100 sockets on one connection must not cost throughput.
  goals: [{ numerator: H2, denominator: WSS, op: '>=', bound: 0.9 }],
};
