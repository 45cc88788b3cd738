import express from 'express';
import { createServer } from 'node:http';
import { attach } from 'rodeo';
import { echo } from './echoServer.js';

/** Express keeps its routes; rodeo takes the upgrades of /echo. */
export function startExpressApp(port = 8080) {
  const app = express();
  const httpServer = createServer(app);
  const rodeo = attach(httpServer, { routes: { '/echo': echo } });
  app.use(rodeo.requireUpgrade); // a plain GET /echo → 426 Upgrade Required
  app.get('/health', (_req, res) => {
    res.send('ok');
  });
  httpServer.listen(port, '127.0.0.1');
  return { httpServer, rodeo };
}
