import type { Settings as Http2Settings } from 'node:http2';
import type { TlsOptions } from 'node:tls';
import type { Logger } from './logger.js';
import type { Registry } from './registry.js';
import type { Routes } from './routes.js';

/*
 * Only the options users pass. The published declarations of `serve` and `attach` import this
 * module, so it imports no server internals: theirs name ws's types, which a consumer without
 * @types/ws could not compile. The state built from these options lives in runtime.ts.
 */

/** Options shared by {@link serve} and {@link attach}. */
export interface ServerOptions {
  /** Path patterns (`/echo`, `/rooms/:room`) to handlers; see {@link Routes}. */
  readonly routes: Routes;
  /**
   * Names and groups (default: a new {@link LocalRegistry}); a `RedisRegistry` from
   * `rodeo/redis` spans processes and machines.
   */
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

/** {@link ServerOptions} plus where to listen, timeouts and TLS: the options of {@link serve}. */
export interface ServeOptions extends ServerOptions {
  /** Port to listen on (default 0: any free port). */
  readonly port?: number;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * Milliseconds a client has to send a complete request's headers, upgrade or not (default
   * 10 000): past it Node answers 408 and closes. With `tls` it also bounds the TLS handshake, and
   * over HTTP/2 how long a connection may stay without any open stream. (With `attach`, set your
   * server's `headersTimeout` and `requestTimeout` yourself.)
   */
  readonly handshakeTimeout?: number;
  /**
   * Serve HTTPS and WSS: Node's TLS options (`key` and `cert`, or `pfx`; `ca`, `passphrase`, …).
   * Without it `serve` speaks plain HTTP/1.1.
   */
  readonly tls?: TlsOptions;
  /**
   * With `tls`: serve HTTP/2 and HTTP/1.1 on the same port, chosen per connection by ALPN, with
   * WebSockets over both (RFC 8441 over HTTP/2). Default `true`: browsers carry a WebSocket over
   * HTTP/2 only when the page's own connection speaks it, and ALPN keeps every HTTP/1.1-only client
   * working, so it costs nothing to clients that do not use it. `false`: HTTPS over HTTP/1.1 only.
   * An object gives HTTP/2 settings (`maxConcurrentStreams` defaults to 100 WebSockets and
   * requests per connection; `enableConnectProtocol` is always on). Needs `tls`: browsers speak
   * HTTP/2 only over TLS.
   */
  readonly http2?:
    | boolean
    | {
        /** Node's HTTP/2 settings for every connection (`maxConcurrentStreams`, windows, …). */
        readonly settings?: Http2Settings;
      };
}
