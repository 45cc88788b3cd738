import type { UpgradeRequest } from './request.js';

/**
 * What a running connection knows about itself, handed read-only to every callback.
 */

/**
 * WebSocket protocol versions rodeo accepts (`Sec-WebSocket-Version`): 13 (RFC 6455, every
 * current client) and the drafts 7 and 8. A request with any other gets HTTP 426 (400 over
 * HTTP/2).
 */
export type WebSocketVersion = 7 | 8 | 13;

/**
 * A connection's mailbox address, Erlang-style: hand it to other parts of the app so they can send
 * the connection info messages of type `I`. Sending the wrong type is a compile-time error.
 */
export interface ConnectionRef<I> {
  /**
   * Unique within the process, and across processes with a registry that spans them (`rodeo/redis`
   * prefixes its node's id).
   */
  readonly id: string;
  /**
   * Deliver `info` to `websocketInfo`, after everything sent before it. Returns `false` (and queues
   * nothing) once the connection has ended, or when a callback handler's mailbox already holds
   * `mailboxLimit` infos (with `mailboxOverflow: 'close'` the connection then ends: `backpressure`).
   */
  send(info: I): boolean;
  /** Whether the connection has ended. */
  readonly closed: boolean;
}

/**
 * The read-only context every callback gets (and a pipeline, once): the connection's own address
 * and what was negotiated in the handshake.
 */
export interface ConnectionContext<I> {
  /** This connection's own mailbox address. */
  readonly ref: ConnectionRef<I>;
  /** Whether permessage-deflate was negotiated (Cowboy's `websocket_compress`). */
  readonly compress: boolean;
  /** The protocol version the peer used (Cowboy's `websocket_version`). */
  readonly version: WebSocketVersion;
  /**
   * The subprotocol chosen in `init`
   * ({@link rodeo!UpgradeOptions.protocol | UpgradeOptions.protocol}), or `null`.
   */
  readonly protocol: string | null;
  /** The upgrade request (after {@link rodeo!UpgradeOptions.reqFilter | reqFilter}). */
  readonly req: UpgradeRequest;
}
