/**
 * Socket.IO 4 under test, as users deploy it with the WebSocket transport only: an `echo` event
 * answered by an `echo` event. `?mode=multi` answers with 10 emits, `?mode=bcast` joins a room and
 * emits each message to it, `?mode=pair` relays to another connection's room. `--deflate` turns on
 * permessage-deflate (off by default in Socket.IO 4); `--redis=URL` makes it one node of several
 * with `@socket.io/redis-adapter`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { MULTI_FRAMES, redisUrlArg, serveControl } from './control.js';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: process.argv.includes('--deflate') ? { threshold: 1024 } : false,
});

// One node of several: rooms span the nodes through Redis, as Socket.IO deploys it.
const url = redisUrlArg();
if (url !== undefined) {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
}

io.on('connection', (socket) => {
  const mode = socket.handshake.query['mode'];
  const { name, to } = socket.handshake.query;
  if (mode === 'pair') {
    // Cross-node info: `name` joins its own room; `to` emits every message to that room.
    if (typeof name === 'string') void socket.join(name);
    if (typeof to === 'string') socket.on('echo', (data: unknown) => io.to(to).emit('echo', data));
  } else if (mode === 'multi') {
    socket.on('echo', (data: unknown) => {
      for (let i = 0; i < MULTI_FRAMES; i++) socket.emit('echo', data);
    });
  } else if (mode === 'bcast') {
    void socket.join('group');
    socket.on('echo', (data: unknown) => io.to('group').emit('echo', data));
  } else {
    socket.on('echo', (data: unknown) => socket.emit('echo', data));
  }
});

http.listen(0, '127.0.0.1', () => {
  serveControl((http.address() as AddressInfo).port, () => io.close());
});
