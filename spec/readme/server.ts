import { serve } from 'rodeo';
import { counter } from './counter.js';

const server = await serve({
  port: Number(process.env.PORT ?? 8080),
  routes: { '/count': counter },
});
console.log(`listening on ${server.url}`);

// Ctrl-C: every connection gets 1001 and its terminate, then the port is released.
process.once('SIGINT', () => void server.close());
