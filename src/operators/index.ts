/** The per-connection engine and the public RxJS operators built on its rules. */
export { connection } from './connection.js';
export type { ConnectionSetup } from './connection.js';
export type { ConnectionPhase, ErrorReporter } from './engine.js';
export {
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_KEEPALIVE,
  DEFAULT_MAILBOX_LIMIT,
  DEFAULT_MAILBOX_OVERFLOW,
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_READ_HIGH_WATER,
} from './plan.js';
export { dispatch } from './dispatch.js';
export { endOnce } from './endOnce.js';
export type { EndOnceOptions } from './endOnce.js';
export { idleTimeout, MAX_TIMER_DELAY } from './idleTimeout.js';
export { mailboxScan } from './mailboxScan.js';
export type { Accumulated } from './mailboxScan.js';
export { resultCommands } from './resultCommands.js';
export { stopAtClose } from './stopAtClose.js';
export { decodeJson } from './decodeJson.js';
export type { JsonDecoded, JsonDecodeError, JsonValue } from './decodeJson.js';
export { echo } from './echo.js';
export { encodeJson } from './encodeJson.js';
export { framesOf } from './framesOf.js';
export { infos } from './infos.js';
