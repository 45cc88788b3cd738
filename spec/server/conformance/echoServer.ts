import { afterEach, beforeEach } from 'vitest';
import type { RodeoServer } from '../../../src/index.js';
import { probe } from '../../fixtures/serverHandlers.js';
import { closeAll, rawPeer, start, type FrameSpec, type RawPeer } from '../support.js';

/**
 * The server the conformance specs run against: Autobahn|Testsuite's fuzzing-client categories,
 * case by case where it matters (Autobahn itself cannot run here: Python 2, no pip, no docker).
 * Spec titles carry Autobahn's case numbers.
 */

export const MiB = 1024 * 1024;

/** What a conformance spec file uses. */
export interface EchoServer {
  /** The running server (`/echo`, `/deflate` at 16 MiB; `/small` at 1 KiB with compression). */
  server(): RodeoServer;
  /** Sends frames on a fresh or given raw peer and resolves with the next data frame's payload. */
  echoOf(peer: RawPeer, ...frames: FrameSpec[]): Promise<Buffer>;
  /** Sends frames on a fresh raw peer of `/echo` and resolves with the close code it gets. */
  closeAfter(...frames: FrameSpec[]): Promise<number | undefined>;
}

/** Starts the echo server before each spec and closes everything after. */
export function useEchoServer(): EchoServer {
  let server: RodeoServer | undefined;
  beforeEach(async () => {
    server = await start({
      '/echo': probe({}, { maxFrameSize: 16 * MiB }),
      '/deflate': probe({}, { maxFrameSize: 16 * MiB, compress: true }),
      '/small': probe({}, { maxFrameSize: 1024, compress: true }),
    });
  });
  afterEach(closeAll);
  const current = (): RodeoServer => {
    if (server === undefined) throw new Error('no server');
    return server;
  };
  return {
    server: current,
    async echoOf(peer, ...frames) {
      for (const frame of frames) peer.send(frame);
      for (;;) {
        const frame = await peer.frame();
        if (frame.opcode === 0x1 || frame.opcode === 0x2) return frame.payload;
      }
    },
    async closeAfter(...frames) {
      const peer = await rawPeer(current(), '/echo');
      for (const frame of frames) peer.send(frame);
      return peer.closeCode();
    },
  };
}
