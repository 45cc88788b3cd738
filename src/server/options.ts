import type { Logger } from './logger.js';
import type { Registry } from './registry.js';
import type { Routes } from './routes.js';

/*
 * Only the options users pass. The published declarations of `serve` and `attach` import this
 * module, so it imports no server internals: theirs name ws's types, which a consumer without
 * @types/ws could not compile. The state built from these options lives in runtime.ts.
 */

/** Options shared by `serve` and `attach`. */
export interface ServerOptions {
  /** Path patterns (`/echo`, `/rooms/:room`) to handlers. */
  readonly routes: Routes;
  /** Names and groups (default: a new `LocalRegistry`). */
  readonly registry?: Registry;
  /** Any pino-style logger (default: silent). */
  readonly logger?: Logger;
  /**
   * Bytes a connection may have waiting to be written (default 4 MiB). A frame that would pass it
   * ends the connection with `backpressure` (1008).
   */
  readonly maxQueueBytes?: number;
  /**
   * Most fragments one message may have (default: `max(16384, maxFrameSize / 64)` per connection,
   * so fragments of 64 bytes or more always reach `maxFrameSize` first). Past it: `badsize` (1009).
   */
  readonly maxFragments?: number;
  /** Milliseconds to wait for peers' close replies on `close()` before destroying (default 5000). */
  readonly shutdownTimeout?: number;
  /**
   * Milliseconds an asynchronous `init` may take (default 10 000; `Infinity` waits forever). Past
   * it the peer gets 503, `terminate` gets `crash` from `init` (`RODEO_ERR_INIT_TIMEOUT`), and
   * whatever `init` answers later is ignored.
   */
  readonly initTimeout?: number;
}

/** `ServerOptions` plus where to listen. */
export interface ServeOptions extends ServerOptions {
  /** Port to listen on (default 0: any free port). */
  readonly port?: number;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * Milliseconds a client has to send a complete request's headers, upgrade or not (default
   * 10 000): past it Node answers 408 and closes. (With `attach`, set your server's
   * `headersTimeout` and `requestTimeout` yourself.)
   */
  readonly handshakeTimeout?: number;
}
