/**
 * Socket.IO 4 under test, as users deploy it with the WebSocket transport only: an `echo` event
 * answered by an `echo` event. `?mode=multi` answers with 10 emits, `?mode=bcast` joins a room and
 * emits each message to it. `--deflate` turns on permessage-deflate (off by default in Socket.IO 4).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { MULTI_FRAMES, serveControl } from './control.js';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: process.argv.includes('--deflate') ? { threshold: 1024 } : false,
});

io.on('connection', (socket) => {
  const mode = socket.handshake.query['mode'];
  if (mode === 'multi') {
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
