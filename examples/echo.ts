/**
 * Echo: every text and binary message comes back unchanged. Compression (permessage-deflate) is
 * offered to peers that ask for it; all other limits are the defaults.
 *
 * ```sh
 * npm start   # then: ws://localhost:8080/echo
 * ```
 */
import { ok, reply, upgrade, type Handler, type UpgradeOptions } from '../src/index.js';

/** Options of the echo handler. */
export interface EchoOptions {
  /** Largest accepted message in bytes (default: rodeo's 1 MiB). */
  readonly maxFrameSize?: number;
}

/**
 * A handler that echoes text and binary messages. Pings are answered by the server itself (the
 * automatic pong), so the handler ignores them, and pongs.
 *
 * @param options Optional message-size limit.
 * @return The echo handler.
 */
export function echoHandler(options: EchoOptions = {}): Handler<null> {
  const upgradeOptions: UpgradeOptions =
    options.maxFrameSize === undefined
      ? { compress: true }
      : { compress: true, maxFrameSize: options.maxFrameSize };
  return {
    init: () => upgrade(null, upgradeOptions),
    websocketHandle: (frame, state) =>
      frame.type === 'text' || frame.type === 'binary' ? reply(frame, state) : ok(state),
    websocketInfo: (_info, state) => ok(state),
  };
}
