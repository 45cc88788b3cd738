import { ok, reply, serve, upgrade, type Handler } from 'rodeo';

/** Sends text and binary messages back as they came; compressed if the client agrees. */
export const echo: Handler<null> = {
  init: () => upgrade(null, { compress: true }),
  websocketHandle: (frame, state) =>
    frame.type === 'text' || frame.type === 'binary' ? reply(frame, state) : ok(state),
  websocketInfo: (_info, state) => ok(state),
};

/** Serves `echo` at ws://127.0.0.1:PORT/echo (`port: 0` picks a free port). */
export async function startEchoServer(port = 8080) {
  const server = await serve({ port, routes: { '/echo': echo } });
  // server.url is http://127.0.0.1:PORT; server.close() stops accepting, closes every
  // connection with 1001, runs every terminate, then resolves.
  return server;
}
