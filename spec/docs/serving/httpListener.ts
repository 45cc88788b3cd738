import { createServer } from 'node:http';
import { attach } from 'rodeo';
import { echo } from './echoServer.js';

/** A bare node:http server: requireUpgrade is the first line of its request listener. */
export function startHttpServer(port = 8080) {
  const httpServer = createServer();
  const rodeo = attach(httpServer, { routes: { '/echo': echo } });
  httpServer.on('request', (req, res) => {
    if (rodeo.requireUpgrade(req, res)) return; // 426 (or 400) on /echo
    res.end('your own routes');
  });
  httpServer.listen(port, '127.0.0.1');
  return { httpServer, rodeo };
}
