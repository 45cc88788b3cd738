/**
 * rodeo/testing: marble-test handlers in virtual time, with no socket.
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
