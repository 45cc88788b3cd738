import { availableParallelism } from 'node:os';
import { runWorkers } from 'rodeo/cluster';
import { startRoomNode } from './roomNode.js';

// One room server per core on one port: the primary hands connections to the workers, and the
// workers' rooms meet through Redis. PORT=8080 REDIS_URL=redis://… node workers.js
const port = Number(process.env['PORT'] ?? 8080);
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const running = await runWorkers({
  workers: Number(process.env['WORKERS'] ?? availableParallelism()),
  start: () => startRoomNode(port, redisUrl),
});
if (running.role === 'primary') console.log(`rooms on port ${port}`);
