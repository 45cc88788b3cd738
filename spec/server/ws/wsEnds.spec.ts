import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stop } from '../../../src/index.js';
import { probe } from '../../fixtures/serverHandlers.js';
import { rawRequest, upgradeHeaders } from '../rawPeer.js';
import { closeAll, rawPeer, start } from '../support.js';

afterEach(() => {
  vi.restoreAllMocks();
  return closeAll();
});

/** Server-side streams (ws's Receiver, an accepted socket) ended again after they finished. */
function endsOfFinishedServerStreams(): { readonly count: number } {
  const counted = { count: 0 };
  const end = Writable.prototype.end;
  vi.spyOn(Writable.prototype, 'end').mockImplementation(function (
    this: Writable & { _isServer?: boolean; server?: unknown },
    ...args: unknown[]
  ) {
    const serverSide = this._isServer === true || this.server !== undefined;
    if (serverSide && (this.writableFinished || this.destroyed)) counted.count++;
    return end.apply(this, args as Parameters<Writable['end']>);
  });
  return counted;
}

describe('a connection closed by its peer', () => {
  it('closes without ending a finished stream again (Node builds an error for each)', async () => {
    const handler = probe();
    const server = await start({ '/e': handler });
    const peer = await rawPeer(server, '/e');
    const ends = endsOfFinishedServerStreams();
    peer.send({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8]) });
    expect(await peer.closeCode()).toBe(1000);
    peer.socket.end();
    await once(peer.socket, 'close');
    await server.close();
    expect((await handler.terminated()).reason).toEqual({
      type: 'remote',
      close: { code: 1000, reason: '' },
    });
    expect(ends.count).toBe(0);
  });

  it("closes its TCP connection once both close frames crossed, whichever side sent the first, without waiting for the peer's FIN (RFC 6455 §7.1.1)", async () => {
    // A long close timeout: ws would keep the half-closed socket until the peer's FIN or this.
    const server = await start(
      { '/e': probe(), '/stop': probe({ websocketHandle: (_frame, state) => stop(state) }) },
      { shutdownTimeout: 60_000 },
    );
    for (const [path, first] of [
      ['/e', { opcode: 0x8, payload: Buffer.from([0x03, 0xe8]) }],
      ['/stop', { opcode: 0x1, payload: Buffer.from('stop') }],
    ] as const) {
      const accepted = once(server.httpServer, 'connection') as Promise<[Socket]>;
      const { peer } = await rawRequest(server, path, upgradeHeaders(), { allowHalfOpen: true });
      const [serverSide] = await accepted;
      const released = once(serverSide, 'close');
      const ended = once(peer.socket, 'end');
      peer.send(first);
      expect(await peer.closeCode()).toBe(1000);
      if (path === '/stop') peer.send({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8]) });
      await Promise.all([released, ended]);
      expect(peer.socket.writableEnded).toBe(false);
      peer.socket.end();
    }
  });
});
