import * as wsModule from 'ws';
import { WebSocketServer, type PerMessageDeflateOptions, type ServerOptions } from 'ws';
import type { DeflateOptions } from '../../handler/handler.js';

/**
 * `ws` fixes compression, size and UTF-8 options per `WebSocketServer`, while rodeo lets each
 * `init` choose them. So rodeo keeps one `noServer` WebSocketServer per distinct option set,
 * created on first use and cached (an app has a handful of sets, not one per connection).
 */

/** The per-connection options that select a WebSocketServer. */
export interface WsOptionSet {
  readonly compress: false | DeflateOptions;
  readonly maxPayload: number;
  readonly maxFragments: number;
  readonly validateUtf8: boolean;
}

/** The cache of WebSocketServers. */
export interface WsServerPool {
  /** The server for an option set (created once). */
  get(options: WsOptionSet): WebSocketServer;
  /** Closes every cached server (their sockets are rodeo's to close). */
  close(): void;
}

/** ws 8.23 options that @types/ws does not declare yet. */
interface NewerWsOptions {
  closeTimeout: number;
  maxFragments: number;
}

interface OfferParser {
  extension: { parse(header: string): Record<string, Record<string, unknown>[] | undefined> };
  PerMessageDeflate: new (options: object) => { accept(offers: unknown): unknown };
}

/** Creates an empty pool; `closeTimeout` bounds how long ws waits for a peer's close reply. */
export function createWsServerPool(closeTimeout: number): WsServerPool {
  const servers = new Map<string, WebSocketServer>();
  // Most connections of an app share one option set: the last one asked for is checked first,
  // field by field, before a cache key is built.
  let last: { readonly options: WsOptionSet; readonly server: WebSocketServer } | undefined;
  return {
    get(options) {
      if (last !== undefined && sameOptions(last.options, options)) return last.server;
      const key = optionKey(options);
      let server = servers.get(key);
      if (server === undefined) {
        const wsOptions: ServerOptions & NewerWsOptions = {
          noServer: true,
          clientTracking: false,
          closeTimeout,
          maxPayload: options.maxPayload,
          maxFragments: options.maxFragments,
          skipUTF8Validation: !options.validateUtf8,
          perMessageDeflate: options.compress === false ? false : toWsDeflate(options.compress),
        };
        server = new WebSocketServer(wsOptions);
        servers.set(key, server);
      }
      last = { options, server };
      return server;
    },
    close() {
      for (const server of servers.values()) server.close();
      servers.clear();
      last = undefined;
    },
  };
}

/**
 * Whether the peer's permessage-deflate offers (its `Sec-WebSocket-Extensions` header) include one
 * the server accepts. ws answers 400 to an unacceptable or unparsable offer, but RFC 7692 §5 (and
 * docs/semantics.md §3) say a declined offer is not an error: rodeo then upgrades without
 * compression.
 */
export function acceptsDeflateOffer(header: string | undefined, options: DeflateOptions): boolean {
  if (header === undefined) return false;
  // Exported by ws's ESM entry, though @types/ws does not declare them.
  const { extension, PerMessageDeflate } = wsModule as unknown as OfferParser;
  try {
    const offers = extension.parse(header)['permessage-deflate'];
    if (offers === undefined) return false;
    new PerMessageDeflate({ ...toWsDeflate(options), isServer: true }).accept(offers);
    return true;
  } catch {
    return false;
  }
}

function toWsDeflate(options: DeflateOptions): PerMessageDeflateOptions {
  // Unset parameters stay unset: ws reads an explicit `false` as "refuse offers that ask for it".
  const ws: PerMessageDeflateOptions = { threshold: options.threshold ?? 1024 };
  if (options.serverNoContextTakeover !== undefined) {
    ws.serverNoContextTakeover = options.serverNoContextTakeover;
  }
  if (options.clientNoContextTakeover !== undefined) {
    ws.clientNoContextTakeover = options.clientNoContextTakeover;
  }
  if (options.serverMaxWindowBits !== undefined)
    ws.serverMaxWindowBits = options.serverMaxWindowBits;
  if (options.clientMaxWindowBits !== undefined)
    ws.clientMaxWindowBits = options.clientMaxWindowBits;
  if (options.level !== undefined) ws.zlibDeflateOptions = { level: options.level };
  return ws;
}

/** Whether two option sets select the same server (compression settings compared by identity). */
function sameOptions(a: WsOptionSet, b: WsOptionSet): boolean {
  return (
    a.compress === b.compress &&
    a.maxPayload === b.maxPayload &&
    a.maxFragments === b.maxFragments &&
    a.validateUtf8 === b.validateUtf8
  );
}

/** The cache key of an option set, built without serializing anything on the common path. */
function optionKey(options: WsOptionSet): string {
  const deflate = options.compress === false ? '-' : JSON.stringify(options.compress);
  return `${options.maxPayload} ${options.maxFragments} ${options.validateUtf8} ${deflate}`;
}
