import { once } from 'node:events';
import { of } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { reasons, serve, type Handler, type RodeoServer, type TerminateReason } from 'rodeo';
import { quotes, type Asked, type Halt } from './quotes.js';

let server: RodeoServer;
let ended: Promise<TerminateReason>;
const clients: WebSocket[] = [];

beforeEach(async () => {
  let onEnd: (reason: TerminateReason) => void = () => undefined;
  ended = new Promise((resolve) => (onEnd = resolve));
  const handler: Handler<Asked, Halt> = { ...quotes(() => of(142)), terminate: onEnd };
  server = await serve({ port: 0, routes: { '/quotes': handler } }); // port 0: a free port
});

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await server.close(); // closes what is still open, runs every terminate
});

/** A `ws` client of the test server, terminated after the test. */
function connect(path: string): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
  clients.push(ws);
  return ws;
}

describe('quotes over a real socket', () => {
  it('answers, then closes with 1000 on bye', async () => {
    const ws = connect('/quotes?token=t');
    await once(ws, 'open');
    ws.send('IBM');
    const [answer] = (await once(ws, 'message')) as [Buffer];
    expect(answer.toString()).toBe('IBM 142');
    ws.send('bye');
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1000);
    expect(await ended).toEqual(reasons.stop);
    expect(server.metrics.terminated.stop).toBe(1);
  });

  it('refuses a connection without a token with HTTP 401', async () => {
    const ws = connect('/quotes');
    const [error] = (await once(ws, 'error')) as [Error];
    expect(error.message).toBe('Unexpected server response: 401');
    expect(await ended).toEqual(reasons.normal);
  });

  it('sees the client go away without a close frame', async () => {
    const ws = connect('/quotes?token=t');
    await once(ws, 'open');
    ws.terminate(); // the TCP connection ends, no close frame
    expect(await ended).toEqual(reasons.error('closed'));
  });
});
