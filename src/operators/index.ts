/** The per-connection engine and the public RxJS operators it is built from. */
export { composedConnection, connection, DEFAULT_IDLE_TIMEOUT } from './connection.js';
export type { ConnectionSetup, ErrorReporter } from './connection.js';
export { dispatch } from './dispatch.js';
export type { Behaviour } from './dispatch.js';
export { endOnce } from './endOnce.js';
export type { EndOnceOptions } from './endOnce.js';
export { idleTimeout, MAX_TIMER_DELAY } from './idleTimeout.js';
export { mailboxScan } from './mailboxScan.js';
export type { Accumulated } from './mailboxScan.js';
export { HIBERNATE, resultCommands } from './resultCommands.js';
export { stopAtClose } from './stopAtClose.js';
export { decodeJson } from './decodeJson.js';
export type { JsonDecoded, JsonDecodeError, JsonValue } from './decodeJson.js';
export { echo } from './echo.js';
export { encodeJson } from './encodeJson.js';
export { framesOf } from './framesOf.js';
export { infos } from './infos.js';
