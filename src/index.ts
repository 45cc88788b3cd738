/** rodeo: Cowboy-style WebSocket handlers as RxJS pipelines. */
export * from './handler/index.js';
export * from './operators/index.js';
export * from './server/index.js';
