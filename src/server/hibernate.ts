import type WebSocket from 'ws';
import { releaseDeflateContexts } from './wsInternals.js';

/**
 * What `hibernate` means in Node (SEMANTICS §4). Erlang hibernation garbage-collects a process and
 * drops its stack; a Node connection has no stack of its own and the V8 heap is shared, so the only
 * large per-connection memory an idle connection can give back is zlib's: permessage-deflate keeps
 * a compressor and a decompressor alive between messages. Hibernate frees the compressor always
 * (a fresh one only stops referring back to earlier messages, RFC 7692 §7.1.1.1) and the
 * decompressor when the peer agreed to `client_no_context_takeover`; ws re-creates them lazily.
 *
 * Idle RSS per connection, 500 connections after one 4 KiB message each
 * (`npx tsx spec/server/measure/hibernate.ts 500`, Node 20, 2 cores):
 *
 * | compression                                   | without hibernate | with hibernate |
 * | --------------------------------------------- | ----------------- | -------------- |
 * | negotiated (context takeover)                 | 292–300 KiB       | 120–126 KiB    |
 * | negotiated, `client_no_context_takeover`      | 293–303 KiB       | 71–74 KiB      |
 * | not negotiated                                | 45–66 KiB         | 57–66 KiB      |
 *
 * Without compression there is nothing measurable to release (ws already drops its read buffers
 * and frame mask between messages): hibernate is then a no-op.
 */

/** The connection being hibernated (the session: one object, so hibernating allocates little). */
export interface Hibernating {
  readonly ws: WebSocket;
  /** Whether the connection has ended (nothing of it may outlive terminate). */
  readonly ended: boolean;
  /** Runs `listener` once the frames already returned have left ws (see `Writer.whenIdle`). */
  whenIdle(listener: () => void): void;
  /** Told how many zlib contexts were released. */
  hibernated(contexts: number): void;
}

/**
 * Releases what `ws` can re-create once the frames already returned have been compressed and
 * written (`whenIdle`), and after the current I/O callback has unwound: the hibernating result may
 * have been produced inside zlib's own flush callback, where closing the stream is unsafe. Skipped
 * if the connection ended meanwhile.
 */
export function hibernateSoon(connection: Hibernating): void {
  connection.whenIdle(() => setImmediate(release, connection));
}

function release(connection: Hibernating): void {
  if (!connection.ended) connection.hibernated(releaseDeflateContexts(connection.ws));
}
