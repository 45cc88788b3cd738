/**
 * Bare `ws` under test: a minimal `noServer` + `handleUpgrade` echo, the limit for a design built on
 * ws. `/multi` answers each message with 10 `send` calls; `/bcast` sends each message to every
 * connection of the group with a loop of `send`; `/z` offers permessage-deflate.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MULTI_FRAMES, PATHS, serveControl } from './control.js';

const plain = new WebSocketServer({ noServer: true });
const deflate = new WebSocketServer({ noServer: true, perMessageDeflate: true });
const group = new Set<WebSocket>();

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
        for (let i = 0; i < MULTI_FRAMES; i++) ws.send(data, { binary: isBinary });
      });
      return;
    case PATHS.broadcast:
      group.add(ws);
      ws.on('close', () => group.delete(ws));
      ws.on('message', (data: RawData, isBinary: boolean) => {
        for (const member of group) member.send(data, { binary: isBinary });
      });
      return;
    default:
      ws.on('message', (data: RawData, isBinary: boolean) => ws.send(data, { binary: isBinary }));
  }
}

http.listen(0, '127.0.0.1', () => {
  serveControl((http.address() as AddressInfo).port, () => {
    http.close();
  });
});
