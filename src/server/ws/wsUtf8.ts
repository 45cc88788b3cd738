import type WebSocket from 'ws';
import { ArrivingText } from './arrivingText.js';
import { receiverOf, type ReceiverInternals } from './wsInternals.js';

/**
 * UTF-8 failing fast, on ws 8's Receiver (its internals, each checked on first use like those of
 * `wsInternals.ts`): rodeo wraps the Receiver's `getData` and `dataMessage` to check a text
 * message's pieces as they arrive.
 */

type ReceiverCallback = (err?: Error) => void;
type ReceiverMethod = (this: FailFastReceiver, cb: ReceiverCallback) => void;

/** The Receiver's fields and methods the wrappers use. */
interface FailFastReceiver extends ReceiverInternals {
  _buffers: Buffer[];
  _fin: boolean;
  _opcode: number;
  _compressed: boolean;
  _payloadLength: number;
  _mask: Buffer | undefined;
  _fragments: Buffer[];
  _skipUTF8Validation: boolean;
  [ARRIVING_TEXT]?: ArrivingText | null;
  getData: ReceiverMethod;
  dataMessage: ReceiverMethod;
  createError(
    ctor: ErrorConstructor,
    message: string,
    prefix: boolean,
    statusCode: number,
    errorCode: string,
  ): Error;
}

/** Where a Receiver keeps the check of a text message arriving in pieces (`null` otherwise). */
const ARRIVING_TEXT = Symbol('rodeo.arrivingText');
const TEXT = 0x1;
/** The mask of a frame that has none (a server's Receiver always has one; a client's never). */
const NO_MASK = new Uint8Array(4);
/** ws's own `Receiver#getData` and `#dataMessage`, which rodeo wraps; found on first use. */
let wsReceive: Pick<FailFastReceiver, 'getData' | 'dataMessage'> | undefined;

/**
 * Makes invalid UTF-8 fail a text message (1007) as soon as the piece that makes it invalid
 * arrives, without waiting for the rest (Autobahn 6.4.x; Cowboy does the same): a non-final
 * fragment is checked when ws has it, after inflation, and an uncompressed frame that arrives over
 * several reads is checked read by read. The error is ws's own (`WS_ERR_INVALID_UTF8`, 1007),
 * raised where ws raises it, so the connection ends exactly as for a message found invalid at its
 * end. ws still checks each complete message itself; a message in one frame and one read costs
 * two wrapper calls and a few field reads. Does nothing when UTF-8 validation is off.
 */
export function failFastOnInvalidUtf8(ws: WebSocket): void {
  const receiver = receiverOf(ws) as FailFastReceiver;
  const own = (wsReceive ??= checkedReceiveMethods(receiver));
  if (receiver._skipUTF8Validation) return;
  if (receiver.getData !== own.getData || receiver.dataMessage !== own.dataMessage) {
    throw new Error('ws internals changed: Receiver#getData/#dataMessage differ between sockets');
  }
  receiver[ARRIVING_TEXT] = null;
  receiver.getData = getDataFailingFast;
  receiver.dataMessage = dataMessageFailingFast;
}

function checkedReceiveMethods(
  r: FailFastReceiver,
): Pick<FailFastReceiver, 'getData' | 'dataMessage'> {
  const found =
    [r.getData, r.dataMessage, r.createError].every((m) => typeof m === 'function') &&
    [r._buffers, r._fragments].every((field) => Array.isArray(field)) &&
    [r._fin, r._compressed, r._skipUTF8Validation].every((field) => typeof field === 'boolean') &&
    [r._opcode, r._payloadLength].every((field) => typeof field === 'number');
  if (!found) throw new Error('ws internals changed: Receiver#getData, #dataMessage or fields');
  return { getData: r.getData, dataMessage: r.dataMessage };
}

function getDataFailingFast(this: FailFastReceiver, cb: ReceiverCallback): void {
  // An uncompressed text frame still arriving: check what this read brought.
  if (
    this._bufferedBytes < this._payloadLength &&
    this._opcode === TEXT &&
    !this._compressed &&
    !(this[ARRIVING_TEXT] ??= new ArrivingText()).frameArriving(
      this._buffers,
      this._bufferedBytes,
      this._mask ?? NO_MASK,
    )
  ) {
    failUtf8(this, cb);
    return;
  }
  (wsReceive as FailFastReceiver).getData.call(this, cb);
}

function dataMessageFailingFast(this: FailFastReceiver, cb: ReceiverCallback): void {
  if (this._fin) {
    // ws checks the complete message itself.
    if (this[ARRIVING_TEXT] !== null) this[ARRIVING_TEXT] = null;
  } else if (
    this._opcode === TEXT &&
    !(this[ARRIVING_TEXT] ??= new ArrivingText()).frameComplete(this._fragments)
  ) {
    failUtf8(this, cb);
    return;
  }
  (wsReceive as FailFastReceiver).dataMessage.call(this, cb);
}

function failUtf8(receiver: FailFastReceiver, cb: ReceiverCallback): void {
  receiver[ARRIVING_TEXT] = null;
  cb(receiver.createError(Error, 'invalid UTF-8 sequence', true, 1007, 'WS_ERR_INVALID_UTF8'));
}
