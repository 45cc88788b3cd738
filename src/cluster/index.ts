/**
 * rodeo/cluster: one rodeo server per core on a shared port, with `node:cluster`.
 *
 * @module rodeo/cluster
 */
export { runWorkers } from './runWorkers.js';
export type { Closable, RunWorkersOptions, WorkersHandle } from './runWorkers.js';
