/**
 * Bare `ws` under test, shared by two servers: a minimal `noServer` + `handleUpgrade` echo — the
 * limit for a design built on ws — and the same echo corking its socket for the rest of the tick,
 * the way rodeo writes (every `send` made while handling one read leaves in one `writev`): the
 * real limit of a design on ws, since a write syscall costs about 5 µs here. `/multi` answers each
 * message with 10 `send` calls; `/bcast` sends each message to every connection of the group with a
 * loop of `send`; `/z` offers permessage-deflate.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MULTI_FRAMES, PATHS, serveControl } from './control.js';

/**
 * Starts the echo server; with `cork`, each connection's socket is corked from its first send in a
 * tick until the next tick.
 */
export function runWsEcho(cork: boolean): void {
  const plain = new WebSocketServer({ noServer: true });
  const deflate = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  const group = new Set<WebSocket>();
  const corked = new WeakSet<Duplex>();
  const send = (ws: WebSocket, data: RawData, binary: boolean): void => {
    if (cork) {
      // ws keeps its socket private; a ws application corking by hand reaches for it the same way.
      const socket = (ws as unknown as { _socket: Duplex })._socket;
      if (!corked.has(socket)) {
        corked.add(socket);
        socket.cork();
        process.nextTick(() => {
          corked.delete(socket);
          socket.uncork();
        });
      }
    }
    ws.send(data, { binary });
  };

  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => {
    const path = req.url ?? '/';
    const wss = path === PATHS.deflate ? deflate : plain;
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, path));
  });

  /** Wires one connection's behaviour by path. */
  function attach(ws: WebSocket, path: string): void {
    ws.on('error', () => undefined);
    switch (path) {
      case PATHS.multi:
        ws.on('message', (data: RawData, isBinary: boolean) => {
          for (let i = 0; i < MULTI_FRAMES; i++) send(ws, data, isBinary);
        });
        return;
      case PATHS.broadcast:
        group.add(ws);
        ws.on('close', () => group.delete(ws));
        ws.on('message', (data: RawData, isBinary: boolean) => {
          for (const member of group) send(member, data, isBinary);
        });
        return;
      default:
        ws.on('message', (data: RawData, isBinary: boolean) => send(ws, data, isBinary));
    }
  }

  http.listen(0, '127.0.0.1', () => {
    serveControl((http.address() as AddressInfo).port, () => {
      http.close();
    });
  });
}
