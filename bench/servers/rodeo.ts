/**
 * rodeo under test: `/echo` and `/z` run the `echo` example's handler (compression is offered; the
 * loader asks for it only on `/z`), `/zh` and `/h` the hibernating echo, `/multi`, `/bcast` and
 * `/pair` the handlers of `rodeoHandlers.ts`. With `--redis=URL` it is one node of several, on
 * `RedisRegistry`; otherwise on the in-process `LocalRegistry`. With `--tls` it serves HTTPS, HTTP/2
 * and HTTP/1.1 on one port, with a self-signed certificate made at start.
 */
import { echoHandler } from '../../examples/echo.js';
import { LocalRegistry, serve, type Registry } from '../../src/index.js';
import { RedisRegistry } from '../../src/redis/index.js';
import { PATHS, redisUrlArg, selfSigned, serveControl } from './control.js';
import { broadcaster, hibernatingEcho, multiEcho, pair, pipelineEcho } from './rodeoHandlers.js';

const url = redisUrlArg();
const registry: Registry =
  url === undefined ? new LocalRegistry() : await RedisRegistry.connect({ url });
const server = await serve({
  port: 0,
  host: '127.0.0.1',
  registry,
  ...(process.argv.includes('--tls') ? { tls: selfSigned() } : {}),
  routes: {
    [PATHS.echo]: echoHandler(),
    [PATHS.deflate]: echoHandler(),
    [PATHS.deflateHibernate]: hibernatingEcho(),
    [PATHS.hibernate]: hibernatingEcho(),
    [PATHS.multi]: multiEcho(),
    [PATHS.broadcast]: broadcaster(registry),
    [PATHS.pair]: pair(registry),
    [PATHS.pipeline]: pipelineEcho(),
  },
});
serveControl(server.port, () => server.close());
