import { readFileSync } from 'node:fs';
import { serve } from 'rodeo';
import { echo } from '../serving/echoServer.js';

/** wss:// over HTTP/2 and HTTP/1.1 on one port, from a PEM key and certificate. */
export async function startSecureEcho(keyFile: string, certFile: string, port = 8443) {
  const server = await serve({
    port,
    tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) },
    routes: { '/echo': echo },
  });
  return server; // server.url: https://127.0.0.1:8443
}
