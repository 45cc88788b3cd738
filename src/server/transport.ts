import type { InFrame, OutFrame } from '../handler/frames.js';
import type { TerminateReason } from '../handler/reasons.js';
import type { SendOutcome } from '../operators/port.js';

/**
 * The transport port: what a session needs from one WebSocket, whatever carries it. The ws
 * adapter (`WsTransport`, WebSocket over HTTP/1.1 on a TCP or TLS socket) is one implementation;
 * the session and the engine never name `ws`, so another transport (WebSocket over an HTTP/2
 * stream, an in-memory pair in tests) plugs in here.
 */

/**
 * How a write of a serialized frame went: `'overflow'` if the outbound queue would pass its bound
 * (the frame was not taken), `'closed'` if the WebSocket no longer takes frames.
 */
export type SerializedOutcome = SendOutcome | 'closed';

/** A frame serialized once for many transports (broadcast). */
export interface SerializedFrame {
  readonly frame: OutFrame;
  /** The frame's bytes on the wire, uncompressed and unmasked. */
  readonly buffers: readonly Buffer[];
}

/** Where a transport reports what the peer did. */
export interface TransportSink {
  /**
   * Whether events are still wanted; `false` once the connection ended. Later events, errors
   * included, are then dropped by the transport: a late socket error can never crash the process.
   */
  readonly forwarding: boolean;
  /**
   * A new read from the network starts: the frames reported until the next one arrived together
   * (a burst the engine handles a slice at a time).
   */
  readStarted(): void;
  /** A message or control frame from the peer (pings are answered before this is called). */
  frame(frame: InFrame): void;
  /**
   * The peer ended the connection: its close frame (`remote`, already answered), a protocol
   * error (the close frame with the right code already sent), or the connection broke.
   */
  end(reason: TerminateReason): void;
  /** The underlying connection is closed and released (also after the end). */
  released(): void;
}

/** One WebSocket, as the session drives it. */
export interface Transport {
  /** Whether permessage-deflate was negotiated. */
  readonly compressed: boolean;
  /** Bytes written but not yet taken by the network (the outbound queue). */
  readonly queuedBytes: number;
  /** Starts reporting to `sink`; reports nothing before. */
  listen(sink: TransportSink): void;
  /**
   * Writes frames in order, together (one write for the frames of one result). A close frame
   * starts the closing handshake. `'overflow'`: the outbound queue would pass its bound; the frame
   * that did not fit and those after it were not queued.
   */
  send(frames: readonly OutFrame[]): SendOutcome;
  /**
   * Writes a frame serialized for many transports, behind what was sent before; `'overflow'` as
   * for `send` (the frame was not queued).
   */
  sendSerialized(frame: SerializedFrame): SerializedOutcome;
  /** Reads from the peer, or stops (TCP then pushes back on it). */
  setReading(on: boolean): void;
  /** Compresses the data frames that follow, or not (only if compression was negotiated). */
  setCompression(on: boolean): void;
  /** The largest message the peer may send, checked after inflation too. */
  setMaxMessageSize(bytes: number): void;
  /**
   * Once what was sent has left, releases what an idle connection can re-create (compression
   * contexts); calls `done` with how many were released (0 if the connection ended meanwhile).
   */
  hibernate(done: (released: number) => void): void;
  /**
   * The connection ended: with `abrupt`, release the socket now (the peer is gone); otherwise keep
   * reading until the closing handshake finishes (the transport bounds that wait).
   */
  finish(abrupt: boolean): void;
  /** Destroys the connection at once. */
  destroy(): void;
}
