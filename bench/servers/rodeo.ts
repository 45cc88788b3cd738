/**
 * rodeo under test: `/echo` and `/z` run the `echo` example's handler (compression is offered; the
 * loader asks for it only on `/z`), `/zh` and `/h` the hibernating echo, `/multi` and `/bcast` the
 * handlers of `rodeoHandlers.ts`.
 */
import { echoHandler } from '../../examples/echo.js';
import { LocalRegistry, serve } from '../../src/index.js';
import { PATHS, serveControl } from './control.js';
import { broadcaster, hibernatingEcho, multiEcho, pipelineEcho } from './rodeoHandlers.js';

const registry = new LocalRegistry();
const server = await serve({
  port: 0,
  host: '127.0.0.1',
  registry,
  routes: {
    [PATHS.echo]: echoHandler(),
    [PATHS.deflate]: echoHandler(),
    [PATHS.deflateHibernate]: hibernatingEcho(),
    [PATHS.hibernate]: hibernatingEcho(),
    [PATHS.multi]: multiEcho(),
    [PATHS.broadcast]: broadcaster(registry),
    [PATHS.pipeline]: pipelineEcho(),
  },
});
serveControl(server.port, () => server.close());
