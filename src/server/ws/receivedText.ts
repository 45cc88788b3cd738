import type { TextFrame } from '../../handler/frames.js';

/**
 * A text frame as it arrived: the decoded string handlers read, plus the UTF-8 bytes ws received.
 * When a handler sends the very frame it got (echo, relay), the writer sends those bytes again
 * instead of encoding the string a second time — bare ws's echo never touches a string at all.
 *
 * It is a plain `TextFrame` to everything else: `type` and `data` are its only own properties, so
 * it compares, spreads and serializes like `text(data)`.
 */
export class ReceivedText implements TextFrame {
  readonly type = 'text';
  readonly data: string;
  readonly #text: string;
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    // Without arguments, toString goes straight to the UTF-8 decoder (no encoding lookup).
    this.data = this.#text = bytes.toString();
    this.#bytes = bytes;
  }

  /**
   * The received bytes of `frame`, if it is a received text frame whose `data` was not replaced
   * (`readonly` is only a compile-time promise); otherwise `undefined`.
   */
  static bytesOf(frame: TextFrame): Buffer | undefined {
    return frame instanceof ReceivedText && frame.data === frame.#text ? frame.#bytes : undefined;
  }
}
