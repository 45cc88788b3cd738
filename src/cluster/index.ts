/**
 * One rodeo server per core on a shared port, with `node:cluster`: {@link runWorkers} forks the
 * workers, restarts those that die (within bounds) and closes them all gracefully on SIGINT or
 * SIGTERM. Pair it with `rodeo/redis`, so that connections on different workers reach each
 * other.
 *
 * @module rodeo/cluster
 */
export { runWorkers } from './runWorkers.js';
export type { Closable, RunWorkersOptions, WorkersHandle } from './runWorkers.js';
