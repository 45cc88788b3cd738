import type WebSocket from 'ws';
import { releaseDeflateContexts } from './wsInternals.js';

/**
 * What `hibernate` means in Node (SEMANTICS §4). Erlang hibernation garbage-collects a process and
 * drops its stack; a Node connection has no stack of its own, and the V8 heap is shared, so the
 * only large per-connection memory an idle connection can give back is zlib's: permessage-deflate
 * keeps a compressor (~260 KB native at the default window and memLevel) and a decompressor
 * (~40 KB) alive between messages. Hibernate frees the compressor always and the decompressor when
 * the peer agreed to `client_no_context_takeover`; ws re-creates them lazily on the next message.
 * Without compression there is nothing measurable to release (ws already drops its read buffers
 * and frame mask between messages), and hibernate is a no-op. Numbers: README "Hibernate".
 */

/**
 * Releases what `ws` can re-create, after the current I/O callback has unwound: the hibernating
 * result may have been produced inside zlib's own flush callback, where closing the stream is
 * unsafe. Skipped if the connection ended meanwhile (nothing of it may outlive terminate).
 */
export function hibernateSoon(ws: WebSocket, ended: () => boolean): void {
  setImmediate(() => {
    if (!ended()) releaseDeflateContexts(ws);
  });
}
