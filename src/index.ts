/**
 * Cowboy-style WebSocket handlers as RxJS pipelines, on Node.js and `ws`.
 *
 * - **The handler contract.** A {@link Handler} (callbacks) or a {@link PipelineHandler} (one RxJS
 *   pipeline) decides in `init` whether to {@link upgrade} or {@link respond} with plain HTTP, then
 *   answers frames and infos with results ({@link ok}, {@link reply}, {@link stop},
 *   {@link commands}) made of frames ({@link text}, {@link binary}, {@link close}, …) and commands
 *   ({@link active}, {@link deflate}, {@link setOptions}, {@link shutdownReason}). Every connection
 *   ends with exactly one {@link TerminateReason}; {@link closeCodeFor} says which close code the
 *   peer receives. Errors carry stable codes ({@link ErrorCodes}).
 * - **The engine and its operators.** {@link connection} runs a handler on an Observable of
 *   events, exactly as the server does; {@link decodeJson}, {@link encodeJson}, {@link framesOf},
 *   {@link infos} and {@link echo} build pipelines; {@link mailboxScan}, {@link dispatch},
 *   {@link endOnce}, {@link idleTimeout}, {@link resultCommands} and {@link stopAtClose} are the
 *   engine's rules as operators.
 * - **The Node server.** {@link serve} routes on a server of its own, or {@link attach} them to
 *   an existing `node:http`, `node:https` or `node:http2` server; connections find each other
 *   through a {@link Registry} ({@link LocalRegistry} by default) and are counted in
 *   {@link Metrics}.
 *
 * Marble tests in virtual time come from {@link "rodeo/testing"}, a registry spanning processes
 * from {@link "rodeo/redis"}, one server per core from {@link "rodeo/cluster"}.
 *
 * @module rodeo
 */

// The handler contract: frames, commands, results, reasons, errors.
export type {
  ActiveCommand,
  Command,
  DeflateCommand,
  RuntimeOptions,
  SetOptionsCommand,
  ShutdownReasonCommand,
} from './handler/commands.js';
export { active, deflate, setOptions, shutdownReason } from './handler/commands.js';
export type { ConnectionContext, ConnectionRef, WebSocketVersion } from './handler/context.js';
export { ErrorCodes, RodeoError } from './handler/errors.js';
export type { ErrorCode } from './handler/errors.js';
export type {
  ConnectionEvent,
  ConnectionOutput,
  EndEvent,
  FrameEvent,
  HibernateSignal,
  InfoEvent,
  HandlerEvent,
  TerminalNotification,
} from './handler/events.js';
export type {
  BinaryFrame,
  CloseFrame,
  InFrame,
  OutFrame,
  PingFrame,
  PongFrame,
  TextFrame,
} from './handler/frames.js';
export { binary, close, isControlFrame, ping, pong, text } from './handler/frames.js';
export type {
  AnyHandler,
  DeflateOptions,
  Handler,
  InitResult,
  MailboxOverflow,
  PipelineHandler,
  RespondResult,
  Result,
  UpgradeOptions,
  UpgradeResult,
} from './handler/handler.js';
export { isPipelineHandler, respond, upgrade } from './handler/handler.js';
export type {
  BackpressureReason,
  CallbackName,
  CrashReason,
  ErrorReason,
  NormalReason,
  ProtocolError,
  RemoteReason,
  ShutdownReason,
  StopReason,
  TerminateReason,
  TimeoutReason,
} from './handler/reasons.js';
export { CloseCodes, closeCodeFor, isValidCloseCode, reasons } from './handler/reasons.js';
export type { HeaderFields, HttpVersion, UpgradeRequest } from './handler/request.js';
export { request } from './handler/request.js';
export type {
  CallResult,
  CommandsResult,
  Hibernate,
  OkResult,
  ReplyResult,
  StopResult,
} from './handler/results.js';
export { commands, hibernate, ok, reply, stop } from './handler/results.js';
export {
  MAX_CONTROL_PAYLOAD,
  utf8Length,
  validateCommand,
  validateResult,
} from './handler/validate.js';

// The engine and the operators built on its rules.
export { connection } from './operators/connection.js';
export type { ConnectionSetup } from './operators/connection.js';
export type { ErrorReporter } from './operators/engine.js';
export {
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_KEEPALIVE,
  DEFAULT_MAILBOX_LIMIT,
  DEFAULT_MAILBOX_OVERFLOW,
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_READ_HIGH_WATER,
} from './operators/plan.js';
export { dispatch } from './operators/dispatch.js';
export { endOnce } from './operators/endOnce.js';
export type { EndOnceOptions } from './operators/endOnce.js';
export { idleTimeout, MAX_TIMER_DELAY } from './operators/idleTimeout.js';
export { mailboxScan } from './operators/mailboxScan.js';
export type { Accumulated } from './operators/mailboxScan.js';
export { resultCommands } from './operators/resultCommands.js';
export { stopAtClose } from './operators/stopAtClose.js';
export { decodeJson } from './operators/decodeJson.js';
export type { JsonDecoded, JsonDecodeError, JsonValue } from './operators/decodeJson.js';
export { echo } from './operators/echo.js';
export { encodeJson } from './operators/encodeJson.js';
export { framesOf } from './operators/framesOf.js';
export { infos } from './operators/infos.js';

// The Node server: serve, attach, the registry, metrics, init helpers.
export { attach } from './server/attach.js';
export type { AttachableServer, RodeoAttachment } from './server/attach.js';
export type { Logger, LogFn } from './server/logger.js';
export {
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_INIT_TIMEOUT,
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_SHUTDOWN_TIMEOUT,
  fragmentLimit,
} from './server/limits.js';
export type {
  Metrics,
  MetricsSnapshot,
  TerminatedCounts,
  UpgradedCounts,
} from './server/metrics.js';
export { allowOrigins, chooseProtocol } from './server/negotiate.js';
export type { ServeOptions, ServerOptions } from './server/options.js';
export type { RequireUpgrade } from './server/plainRequest.js';
export { LocalRegistry } from './server/registry.js';
export type { LocalRegistryOptions, RefEndListener, Registry } from './server/registry.js';
export type { Routes } from './server/routes.js';
export { serve } from './server/serve.js';
export type { RodeoServer, ServedServer } from './server/serve.js';
export { closeIdleHttp2Sessions } from './server/http2Idle.js';
export type { AnyHttp2Server } from './server/nodeServers.js';
export { StreamResetError } from './server/streamReset.js';
