/**
 * The bytes nodes exchange over Redis pub/sub. One message is a kind byte, string fields written as
 * `<utf-8 byte length>:<bytes>` (so the Lua scripts can build them too), and for the kinds that
 * carry one, an opaque payload up to the end. Anything that does not parse is a
 * `MalformedMessage`: the receiver drops and counts it, never crashes on it.
 */

/** Membership and names of one node: every announced connection with its groups and names. */
export interface NodeState {
  readonly refs: readonly {
    readonly id: string;
    readonly groups: readonly string[];
    readonly names: readonly string[];
  }[];
}

/** A message as received. */
export type WireMessage =
  | { readonly kind: 'hello' | 'state'; readonly node: string; readonly state: NodeState }
  | {
      readonly kind: 'join' | 'leave';
      readonly node: string;
      readonly group: string;
      readonly ref: string;
    }
  | { readonly kind: 'end'; readonly node: string; readonly ref: string }
  | {
      readonly kind: 'name' | 'unname';
      readonly node: string;
      readonly name: string;
      readonly ref: string;
    }
  | { readonly kind: 'down'; readonly node: string }
  | {
      readonly kind: 'publish';
      readonly node: string;
      readonly group: string;
      readonly payload: Buffer;
    }
  | {
      readonly kind: 'broadcast';
      readonly node: string;
      readonly group: string;
      readonly opcode: number;
      readonly payload: Buffer;
    }
  | {
      readonly kind: 'info';
      readonly node: string;
      readonly ref: string;
      readonly payload: Buffer;
    };

/** Bytes that are not a message. */
export class MalformedMessage extends Error {
  override readonly name = 'MalformedMessage';
}

/** The kind letter of a batch: `M` then `<length>:<message>` for each message. */
const BATCH = 0x4d;

const KINDS = {
  H: 'hello',
  S: 'state',
  J: 'join',
  L: 'leave',
  E: 'end',
  N: 'name',
  U: 'unname',
  D: 'down',
  P: 'publish',
  B: 'broadcast',
  I: 'info',
} as const;

type KindLetter = keyof typeof KINDS;

const COLON = 0x3a;
/** Longest decimal length prefix accepted (a 1 GB field): no unbounded digit runs. */
const MAX_DIGITS = 10;

/**
 * Encodes a message of `kind` with string `fields` and an optional payload (bytes, or a string
 * written as UTF-8), into one buffer.
 */
export function encode(
  kind: KindLetter,
  fields: readonly string[],
  payload?: Buffer | string,
): Buffer {
  let head = kind;
  for (const field of fields) head += `${Buffer.byteLength(field)}:${field}`;
  if (payload === undefined) return Buffer.from(head);
  const headLength = Buffer.byteLength(head);
  const payloadLength = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const message = Buffer.allocUnsafe(headLength + payloadLength);
  message.write(head, 0);
  if (typeof payload === 'string') message.write(payload, headLength);
  else payload.copy(message, headLength);
  return message;
}

/** Encodes a node's state as the fields of a hello or state message. */
export function stateFields(node: string, state: NodeState): string[] {
  const fields = [node];
  for (const ref of state.refs) {
    fields.push(ref.id, String(ref.groups.length), ...ref.groups);
    fields.push(String(ref.names.length), ...ref.names);
  }
  return fields;
}

/** One PUBLISH payload carrying `messages` in order (a single message goes as it is). */
export function encodeBatch(messages: readonly Buffer[]): Buffer {
  if (messages.length === 1) return messages[0] as Buffer;
  const parts: Buffer[] = [Buffer.of(BATCH)];
  for (const message of messages) parts.push(Buffer.from(`${message.length}:`), message);
  return Buffer.concat(parts);
}

/**
 * Calls `each` with every message of a PUBLISH payload (a batch or a single message). A message
 * that does not parse is reported to `malformed` and skipped; a batch whose framing is broken ends
 * there.
 */
export function forEachMessage(
  bytes: Buffer,
  each: (message: WireMessage) => void,
  malformed: (err: unknown) => void,
): void {
  if (bytes[0] !== BATCH) {
    let message: WireMessage;
    try {
      message = decode(bytes);
    } catch (err) {
      malformed(err);
      return;
    }
    each(message);
    return;
  }
  const reader = new FieldReader(bytes, 1);
  while (!reader.done) {
    let message: WireMessage;
    try {
      message = decode(reader.bytesField());
    } catch (err) {
      malformed(err);
      if (err instanceof MalformedMessage && reader.broken) return;
      continue;
    }
    each(message);
  }
}

/** Decodes a message; throws `MalformedMessage` for anything else. */
export function decode(bytes: Buffer): WireMessage {
  const kind = KINDS[String.fromCharCode(bytes[0] ?? 0) as KindLetter] as
    (typeof KINDS)[KindLetter] | undefined;
  if (kind === undefined) throw new MalformedMessage('unknown message kind');
  const reader = new FieldReader(bytes, 1);
  const node = reader.field();
  switch (kind) {
    case 'hello':
    case 'state':
      return { kind, node, state: readState(reader) };
    case 'join':
    case 'leave':
      return { kind, node, group: reader.field(), ref: reader.field() };
    case 'end':
      return { kind, node, ref: reader.field() };
    case 'name':
    case 'unname':
      return { kind, node, name: reader.field(), ref: reader.field() };
    case 'down':
      return { kind, node };
    case 'publish':
      return { kind, node, group: reader.field(), payload: reader.rest() };
    case 'broadcast': {
      const group = reader.field();
      return { kind, node, group, opcode: Number(reader.field()), payload: reader.rest() };
    }
    case 'info':
      return { kind, node, ref: reader.field(), payload: reader.rest() };
  }
}

function readState(reader: FieldReader): NodeState {
  const refs: { id: string; groups: string[]; names: string[] }[] = [];
  while (!reader.done) {
    const id = reader.field();
    const groups = reader.list();
    refs.push({ id, groups, names: reader.list() });
  }
  return { refs };
}

/** Reads `<length>:<bytes>` fields, checking every length against what is left. */
class FieldReader {
  #at: number;

  constructor(
    readonly bytes: Buffer,
    at: number,
  ) {
    this.#at = at;
  }

  get done(): boolean {
    return this.#at >= this.bytes.length;
  }

  /** Set when a length prefix did not parse: nothing after it can be trusted. */
  broken = false;

  field(): string {
    const [start, end] = this.#span();
    return this.bytes.toString('utf8', start, end);
  }

  /** A field as bytes (a message inside a batch). */
  bytesField(): Buffer {
    const [start, end] = this.#span();
    return this.bytes.subarray(start, end);
  }

  #span(): [number, number] {
    const colon = this.bytes.indexOf(COLON, this.#at);
    const length = Number(this.bytes.toString('latin1', this.#at, Math.max(colon, this.#at)));
    const end = colon + 1 + length;
    if (
      colon <= this.#at ||
      colon - this.#at > MAX_DIGITS ||
      !Number.isSafeInteger(length) ||
      end > this.bytes.length
    ) {
      this.broken = true;
      throw new MalformedMessage('bad field');
    }
    this.#at = end;
    return [colon + 1, end];
  }

  list(): string[] {
    const count = Number(this.field());
    // Each entry takes at least 2 bytes ("0:"): a count past that is a lie, not an allocation.
    if (!Number.isSafeInteger(count) || count < 0 || count * 2 > this.bytes.length - this.#at) {
      throw new MalformedMessage('bad count');
    }
    const items: string[] = [];
    for (let i = 0; i < count; i++) items.push(this.field());
    return items;
  }

  rest(): Buffer {
    return this.bytes.subarray(this.#at);
  }
}
