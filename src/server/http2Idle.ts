import type { ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import { MAX_TIMER_DELAY } from '../operators/idleClock.js';
import type { AnyHttp2Server } from './nodeServers.js';

/** How many streams a connection has open (a symbol on each, counted from its 'stream' events). */
const OPEN_STREAMS = Symbol('rodeo.openStreams');
/** The connection a stream belongs to (a stream forgets it when destroyed, before 'close'). */
const SESSION = Symbol('rodeo.session');

type Counted = ServerHttp2Session & { [OPEN_STREAMS]?: number };
type Tracked = ServerHttp2Stream & { [SESSION]?: Counted };

/**
 * Sends GOAWAY to every HTTP/2 connection of `server` that stays silent for `timeout` ms with no
 * stream open; one with streams open — WebSockets, which have their own idle timeout and
 * keepalive — is left alone. Node has no such bound by default (a connection may sit idle
 * forever), and its own `server.setTimeout` destroys a silent connection even when it carries
 * quiet WebSockets. `serve` applies it with `handshakeTimeout`; with `attach`, call it yourself:
 *
 * ```ts
 * const server = http2.createSecureServer({ key, cert, allowHTTP1: true }, app);
 * attach(server, { routes });
 * closeIdleHttp2Sessions(server, 10_000);
 * ```
 *
 * @param server A `node:http2` server, before it listens (its sessions are watched from then on).
 * @param timeout Milliseconds of silence without streams (longer than a Node timer: no bound).
 */
export function closeIdleHttp2Sessions(server: AnyHttp2Server, timeout: number): void {
  if (!(timeout <= MAX_TIMER_DELAY)) return;
  server.on('session', (session: ServerHttp2Session) => session.setTimeout(timeout, closeIfIdle));
  server.on('stream', countStream);
}

function countStream(stream: ServerHttp2Stream): void {
  const session = stream.session as Counted | undefined;
  if (session === undefined) return;
  session[OPEN_STREAMS] = (session[OPEN_STREAMS] ?? 0) + 1;
  (stream as Tracked)[SESSION] = session;
  stream.once('close', uncountStream);
}

function uncountStream(this: Tracked): void {
  const session = this[SESSION];
  if (session !== undefined) session[OPEN_STREAMS] = (session[OPEN_STREAMS] ?? 1) - 1;
}

/**
 * A connection silent for `handshakeTimeout` with no stream open is told to go away (GOAWAY);
 * one with streams open (WebSockets have their own idle timeout) is left alone.
 */
function closeIfIdle(this: Counted): void {
  if ((this[OPEN_STREAMS] ?? 0) === 0) this.close();
}
