/** The handler contract: frames, commands, results, reasons and errors. */
export type {
  ActiveCommand,
  Command,
  DeflateCommand,
  RuntimeOptions,
  SetOptionsCommand,
  ShutdownReasonCommand,
} from './commands.js';
export { active, deflate, setOptions, shutdownReason } from './commands.js';
export type { ConnectionContext, ConnectionRef, WebSocketVersion } from './context.js';
export { ErrorCodes, RodeoError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type {
  ConnectionEvent,
  ConnectionOutput,
  EndEvent,
  FrameEvent,
  HibernateSignal,
  InfoEvent,
  MessageEvent,
  TerminalNotification,
} from './events.js';
export type {
  BinaryFrame,
  CloseFrame,
  InFrame,
  OutFrame,
  PingFrame,
  PongFrame,
  TextFrame,
} from './frames.js';
export { binary, close, isControlFrame, ping, pong, text } from './frames.js';
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
} from './handler.js';
export { isPipelineHandler, respond, upgrade } from './handler.js';
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
} from './reasons.js';
export { CloseCodes, closeCodeFor, isValidCloseCode, reasons } from './reasons.js';
export type { Headers, Request } from './request.js';
export { request } from './request.js';
export type {
  CallResult,
  CommandsResult,
  Hibernate,
  OkResult,
  ReplyResult,
  StopResult,
} from './results.js';
export { commands, hibernate, ok, reply, stop } from './results.js';
export { MAX_CONTROL_PAYLOAD, utf8Length, validateCommand, validateResult } from './validate.js';
