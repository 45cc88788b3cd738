import type { Command } from './commands.js';
import { RodeoError } from './errors.js';
import { isValidCloseCode } from './reasons.js';
import type { CallResult } from './results.js';

/**
 * Checks on what callbacks return. A failed check is the handler's error (the connection crashes
 * with 1011), never a silent fix-up such as truncating an oversize control frame.
 */

/**
 * RFC 6455 §5.5: control frame payloads (ping, pong, close) are at most 125 bytes; a close reason
 * at most 123, after the 2-byte code. A larger one crashes the handler
 * (`RODEO_ERR_CONTROL_FRAME_TOO_LARGE`) rather than being cut.
 */
export const MAX_CONTROL_PAYLOAD = 125;

/**
 * Returns `value` as a call result, or throws `RODEO_ERR_INVALID_RESULT`: the engine's check on
 * what a callback returns, for code that builds results dynamically and wants the same verdict.
 */
export function validateResult<S>(value: unknown): CallResult<S> {
  if (typeof value === 'object' && value !== null) {
    const result = value as CallResult<S>;
    switch (result.type) {
      case 'ok':
      case 'stop':
        return result;
      case 'reply':
        if (Array.isArray(result.frames)) return result;
        break;
      case 'commands':
        if (Array.isArray(result.commands)) return result;
        break;
    }
  }
  throw new RodeoError('RODEO_ERR_INVALID_RESULT', `not a call result: ${describe(value)}`);
}

/**
 * Returns `value` as a command, or throws the matching `RODEO_ERR_…` error
 * (`RODEO_ERR_INVALID_RESULT`, `RODEO_ERR_CONTROL_FRAME_TOO_LARGE`,
 * `RODEO_ERR_INVALID_CLOSE_CODE`): the engine's check on every command before it is applied, and
 * {@link Registry.broadcast}'s on its frame.
 */
export function validateCommand(value: unknown): Command {
  const command = value as Command;
  switch (typeof value === 'object' && value !== null ? command.type : undefined) {
    case 'text':
      if (typeof (command as { data: unknown }).data === 'string') return command;
      break;
    case 'binary':
      if ((command as { data: unknown }).data instanceof Uint8Array) return command;
      break;
    case 'ping':
    case 'pong':
      return validateControl(command as { type: string; data: unknown });
    case 'close':
      return validateClose(command as { code?: unknown; reason?: unknown });
    case 'active':
      if (typeof (command as { active: unknown }).active === 'boolean') return command;
      break;
    case 'deflate':
      if (typeof (command as { deflate: unknown }).deflate === 'boolean') return command;
      break;
    case 'setOptions':
      return validateOptions(command as { options: unknown });
    case 'shutdownReason':
      return command;
  }
  throw new RodeoError('RODEO_ERR_INVALID_RESULT', `not a command: ${describe(value)}`);
}

/**
 * UTF-8 byte length of a string, without `Buffer` (the handler contract stays runtime-neutral):
 * e.g. to keep a close reason within 123 bytes.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** `setOptions` values are checked like `init`'s: a bad one crashes the connection. */
function validateOptions(command: { options: unknown }): Command {
  const options = command.options as Record<string, unknown> | null;
  if (typeof options !== 'object' || options === null) {
    throw new RodeoError('RODEO_ERR_INVALID_RESULT', 'setOptions needs an options object');
  }
  const idle = options['idleTimeout'];
  if (idle !== undefined && !(typeof idle === 'number' && idle >= 0)) {
    throw new RodeoError('RODEO_ERR_INVALID_RESULT', 'idleTimeout must be ≥ 0 milliseconds');
  }
  const keepalive = options['keepalive'];
  if (keepalive !== undefined && !(typeof keepalive === 'number' && keepalive > 0)) {
    throw new RodeoError('RODEO_ERR_INVALID_RESULT', 'keepalive must be > 0 milliseconds');
  }
  const size = options['maxFrameSize'];
  if (
    size !== undefined &&
    !(typeof size === 'number' && ((Number.isInteger(size) && size > 0) || size === Infinity))
  ) {
    throw new RodeoError('RODEO_ERR_INVALID_RESULT', 'maxFrameSize must be a positive integer');
  }
  return command as Command;
}

function validateControl(frame: { type: string; data: unknown }): Command {
  if (!(frame.data instanceof Uint8Array)) {
    throw new RodeoError('RODEO_ERR_INVALID_RESULT', `${frame.type} payload must be a Uint8Array`);
  }
  if (frame.data.length > MAX_CONTROL_PAYLOAD) {
    throw new RodeoError(
      'RODEO_ERR_CONTROL_FRAME_TOO_LARGE',
      `${frame.type} payload of ${frame.data.length} bytes exceeds ${MAX_CONTROL_PAYLOAD}`,
    );
  }
  return frame as Command;
}

function validateClose(frame: { code?: unknown; reason?: unknown }): Command {
  const { code, reason } = frame;
  if (code === undefined) {
    if (reason !== undefined) {
      throw new RodeoError('RODEO_ERR_INVALID_RESULT', 'a close reason needs a close code');
    }
    return frame as Command;
  }
  if (typeof code !== 'number' || !isValidCloseCode(code)) {
    throw new RodeoError(
      'RODEO_ERR_INVALID_CLOSE_CODE',
      `close code ${String(code)} may not be sent`,
    );
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string') {
      throw new RodeoError('RODEO_ERR_INVALID_RESULT', 'a close reason must be a string');
    }
    if (utf8Length(reason) > MAX_CONTROL_PAYLOAD - 2) {
      throw new RodeoError(
        'RODEO_ERR_CONTROL_FRAME_TOO_LARGE',
        `close reason of ${utf8Length(reason)} bytes exceeds ${MAX_CONTROL_PAYLOAD - 2}`,
      );
    }
  }
  return frame as Command;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
