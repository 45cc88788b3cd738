/**
 * Marble tests for handlers, in virtual time and without a socket. {@link marbles} runs a test
 * under an RxJS `TestScheduler`; its `connect` runs a handler on the very engine the server uses,
 * from marble input — frames written with rodeo's own constructors
 * ({@link rodeo!text | text}, {@link rodeo!binary | binary}, …) and events ({@link info},
 * {@link peerClose}, {@link socketClosed}, …) — to what a server would act on: frames and
 * commands, {@link hibernated}, then one {@link terminal}. Idle timeouts, keepalive pings and
 * asynchronous results advance in virtual time, and `init` is checked exactly as a server checks
 * it.
 *
 * ```ts
 * marbles(({ cold, expectObservable, connect }) => {
 *   const input = cold('-a-p', { a: text('hi'), p: peerClose(1000) });
 *   expectObservable(connect(echo, input)).toBe('-a-(t|)', {
 *     a: text('hi'),
 *     t: terminal(reasons.remote(1000)),
 *   });
 * });
 * ```
 *
 * @module rodeo/testing
 */
export { testContext } from './context.js';
export type { TestContext, TestContextOptions } from './context.js';
export { normalize, stackFreeEqual } from './equality.js';
export {
  backpressure,
  ended,
  info,
  peerClose,
  protocolError,
  shutdown,
  socketClosed,
  socketError,
  terminal,
  toEvent,
} from './events.js';
export type { TestInput } from './events.js';
export { createTestScheduler, marbles } from './marbles.js';
export type { MarbleHelpers } from './marbles.js';
export { runConnection } from './runConnection.js';
export type { RunOptions } from './runConnection.js';
export { HIBERNATE as hibernated } from '../operators/outputPort.js';
