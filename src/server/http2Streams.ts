import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { connectKind } from './connectHandshake.js';
import { answerOnStream, Http2Exchange } from './http2Exchange.js';
import type { AnyHttp2Server } from './nodeServers.js';
import type { ServerContext } from './serverContext.js';
import { handleUpgrade } from './upgrade.js';

/**
 * WebSockets over HTTP/2 from a `node:http2` server (RFC 8441): the server announces extended
 * CONNECT (`SETTINGS_ENABLE_CONNECT_PROTOCOL`), and every extended CONNECT stream goes through the
 * same upgrade path as an HTTP/1.1 upgrade. Plain requests are left to the server's own handlers.
 */

/**
 * Routes `server`'s extended CONNECT streams to rodeo. A path without a route gets 404 and a
 * classic CONNECT (a tunnel) 501 — unless something else may answer them: another `'connect'`
 * listener, or, on a server without Node's compatibility layer (no `'request'` listener), another
 * `'stream'` listener. Returns what detaches rodeo again.
 */
export function takeHttp2Streams(server: AnyHttp2Server, context: ServerContext): () => void {
  server.updateSettings({ enableConnectProtocol: true });
  const othersAnswer = (): boolean =>
    server.listenerCount('connect') > 1 ||
    (server.listenerCount('request') === 0 && server.listenerCount('stream') > 1);
  const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    switch (connectKind(headers)) {
      case 'plain':
        return;
      case 'tunnel':
        if (!othersAnswer()) answerOnStream(stream, 501, {});
        return;
      case 'extended':
        void handleUpgrade(context, new Http2Exchange(stream, headers), othersAnswer);
        return;
    }
  };
  server.on('stream', onStream);
  // Node's compatibility layer (on when the server has a 'request' listener) answers every CONNECT
  // with 405 unless a 'connect' listener exists (nodejs/node#36977); rodeo answers on 'stream'.
  server.on('connect', answeredOnStream);
  return () => {
    server.off('stream', onStream);
    server.off('connect', answeredOnStream);
  };
}

function answeredOnStream(): void {
  // The stream listener above answers; this listener only keeps Node's 405 away.
}
