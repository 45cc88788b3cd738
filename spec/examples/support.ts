/**
 * Shared helpers for the example specs: a fake connection context for marble tests, and a promise
 * based inbox for real `ws` clients.
 */
import { once } from 'node:events';
import { merge, tap, type Observable } from 'rxjs';
import { afterEach } from 'vitest';
import { testContext } from '../../src/testing/index.js';
import WebSocket from 'ws';
import {
  request,
  serve,
  type ServerOptions,
  type ConnectionContext,
  type ConnectionEvent,
  type EndEvent,
  type FrameEvent,
  type InFrame,
  type TerminateReason,
} from '../../src/index.js';

/** A context whose `ref.send` feeds `infos$`, recording every send. */
export interface FakeContext<I> {
  readonly ctx: ConnectionContext<I>;
  /** Info sent to the ref, as engine events. */
  readonly infos$: Observable<ConnectionEvent<I>>;
  /** Every info delivered to the connection, in order. */
  readonly sent: I[];
}

/** rodeo/testing's `testContext`, with every info delivered through its mailbox recorded. */
export function fakeContext<I>(url = '/'): FakeContext<I> {
  const ctx = testContext<I>({ req: request({ url }), id: 'fake-1' });
  const sent: I[] = [];
  return { ctx, sent, infos$: ctx.mailbox$.pipe(tap((event) => sent.push(event.info))) };
}

/** The events of a marble test: frames (and ends) merged with the context's info. */
export function withInfo<I>(
  events$: Observable<ConnectionEvent<I>>,
  fake: FakeContext<I>,
): Observable<ConnectionEvent<I>> {
  return merge(events$, fake.infos$);
}

/** A frame event. */
export const frame = (f: InFrame): FrameEvent => ({ type: 'frame', frame: f });

/** An end event. */
export const end = (reason: TerminateReason): EndEvent => ({ type: 'end', reason });

/** A message a `ws` client received. */
export interface Received {
  readonly data: Buffer;
  readonly isBinary: boolean;
}

/** Messages of a `ws` client, awaited one at a time in arrival order. */
export class Inbox {
  private readonly queue: Received[] = [];
  private readonly waiting: ((message: Received) => void)[] = [];

  constructor(socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const message = { data: toBuffer(data), isBinary };
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
  }

  /** The next message. */
  next(): Promise<Received> {
    const message = this.queue.shift();
    return message
      ? Promise.resolve(message)
      : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The next message, as text. */
  async text(): Promise<string> {
    return (await this.next()).data.toString('utf8');
  }

  /** The next message, parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

/** Opens a client and waits for the handshake; `track` keeps it for `afterEach`. */
export async function openClient(
  url: string,
  track: WebSocket[],
  options: WebSocket.ClientOptions = {},
): Promise<{ socket: WebSocket; inbox: Inbox }> {
  const socket = new WebSocket(url, options);
  track.push(socket);
  const inbox = new Inbox(socket);
  await once(socket, 'open');
  return { socket, inbox };
}

/** The close code and reason a client receives. */
export async function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  if (socket.readyState === WebSocket.CLOSED) throw new Error('socket already closed');
  const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
  return { code, reason: reason.toString('utf8') };
}

/** A rodeo server on port 0 per test and its clients, all closed after each test. */
export interface LiveServer {
  /** Starts the test's server. */
  start(options: ServerOptions): Promise<void>;
  /** Opens a client on `path` (with its query) of the running server. */
  open(
    path: string,
    options?: WebSocket.ClientOptions,
  ): Promise<{ socket: WebSocket; inbox: Inbox }>;
}

/** Registers the `afterEach` that closes the clients and the server; call inside a `describe`. */
export function liveServer(): LiveServer {
  const clients: WebSocket[] = [];
  let close: (() => Promise<void>) | undefined;
  let port: number | undefined;
  afterEach(async () => {
    terminateAll(clients);
    await close?.();
    close = undefined;
    port = undefined;
  });
  return {
    async start(options) {
      const server = await serve({ ...options, port: 0, host: '127.0.0.1' });
      close = () => server.close();
      port = server.port;
    },
    open(path, options = {}) {
      if (port === undefined) throw new Error('server not started');
      return openClient(`ws://127.0.0.1:${port}${path}`, clients, options);
    },
  };
}

/** Terminates every tracked client. */
export function terminateAll(sockets: WebSocket[]): void {
  for (const socket of sockets.splice(0)) socket.terminate();
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
