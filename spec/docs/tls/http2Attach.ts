import http2 from 'node:http2';
import { attach, closeIdleHttp2Sessions } from 'rodeo';
import { echo } from '../serving/echoServer.js';

/** Your own node:http2 server: rodeo takes the extended CONNECT streams (and upgrades) of /echo. */
export function startHttp2App(key: Buffer, cert: Buffer, port = 8443) {
  const server = http2.createSecureServer({ key, cert, allowHTTP1: true });
  const rodeo = attach(server, { routes: { '/echo': echo } });
  server.on('request', (req, res) => {
    if (rodeo.requireUpgrade(req, res)) return; // a plain GET /echo: 400 over HTTP/2, 426 over 1.1
    res.end('your page');
  });
  closeIdleHttp2Sessions(server, 10_000); // GOAWAY to connections left without any stream
  server.listen(port, '127.0.0.1');
  return { server, rodeo };
}
