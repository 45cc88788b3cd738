import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { asksForWebSocket } from './handshake.js';
import { targetPath } from './requestSnapshot.js';
import type { RouteTable } from './routes.js';

/**
 * Plain HTTP requests (those Node did not hand to the `upgrade` event) on a WebSocket route: they
 * get the answer the handshake would give, so a browser or `curl` learns that the path speaks
 * WebSocket instead of seeing a 404. `serve` answers them itself; `attach` users call
 * `requireUpgrade` from their own request handling.
 */

/**
 * A guard usable both as a `node:http` request-listener check and as Connect/Express middleware:
 * for a path of one of rodeo's routes it answers (426, or 400 for a malformed handshake) and
 * returns `true`; for any other path it calls `next()` if given and returns `false`.
 *
 * ```ts
 * createServer((req, res) => rodeo.requireUpgrade(req, res) || app(req, res));
 * expressApp.use(rodeo.requireUpgrade);
 * ```
 */
export type RequireUpgrade = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  next?: (error?: unknown) => void,
) => boolean;

/**
 * Answers a plain request on a route path: **426** with `Upgrade: websocket` when it does not ask
 * for a WebSocket, **400** when it sends `Upgrade: websocket` without `Connection: Upgrade` (a
 * malformed handshake). Over HTTP/2, which cannot carry an `Upgrade` header (a WebSocket is an
 * extended CONNECT there), **400** as Cowboy answers. Writes nothing for other paths. The path is Express's `originalUrl` when
 * there is one, so middleware mounted under a prefix (`app.use('/ws', …)`) still sees the path the
 * `upgrade` event routes on.
 *
 * @param routes The server's route table.
 * @param req The plain request.
 * @param res Its response, untouched unless the path is a route.
 * @return Whether it answered.
 */
export function answerPlainRequest(
  routes: RouteTable,
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): boolean {
  const original = (req as { originalUrl?: unknown }).originalUrl;
  const url = typeof original === 'string' ? original : (req.url ?? '/');
  if (routes.match(targetPath(url)) === undefined) return false;
  if (req.httpVersionMajor === 2) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
  } else if (asksForWebSocket(req as IncomingMessage)) {
    res.writeHead(400, { 'Content-Type': 'text/plain', Connection: 'close' }).end('Bad Request');
  } else {
    res
      .writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' })
      .end('Upgrade Required');
  }
  return true;
}
