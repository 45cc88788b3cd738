import net from 'node:net';

/**
 * A WebSocket client on a bare TCP socket, for the bytes no well-behaved client sends: unmasked
 * frames, bad UTF-8, half a handshake. Frames it sends are short (payload under 126 bytes).
 */
export class RawClient {
  readonly socket: net.Socket;
  #received = Buffer.alloc(0);
  #wake: () => void = () => undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#wake();
    });
    socket.on('close', () => this.#wake());
    socket.on('error', () => undefined); // a reset shows as the socket closing
  }

  /** Opens a TCP connection to 127.0.0.1:`port`. */
  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  /** Sends an upgrade request for `path` and reads the server's answer up to its blank line. */
  async upgrade(path: string): Promise<string> {
    this.write(
      `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await this.#until(() => this.#received.includes('\r\n\r\n'));
    const end = this.#received.indexOf('\r\n\r\n') + 4;
    const head = this.#received.subarray(0, end).toString();
    this.#received = this.#received.subarray(end); // frames may follow in the same packet
    return head;
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** The next frame from the server (server frames are never masked). */
  async frame(): Promise<{ opcode: number; payload: Buffer }> {
    await this.#until(() => this.#received.length >= 2);
    let length = (this.#received[1] ?? 0) & 0x7f;
    let start = 2;
    if (length === 126) {
      await this.#until(() => this.#received.length >= 4);
      [length, start] = [this.#received.readUInt16BE(2), 4];
    } else if (length === 127) {
      await this.#until(() => this.#received.length >= 10);
      [length, start] = [Number(this.#received.readBigUInt64BE(2)), 10];
    }
    await this.#until(() => this.#received.length >= start + length);
    const opcode = (this.#received[0] ?? 0) & 0x0f;
    const payload = this.#received.subarray(start, start + length);
    this.#received = this.#received.subarray(start + length);
    return { opcode, payload };
  }

  /** Reads frames until the server's close frame; its status code. */
  async closeCode(): Promise<number> {
    for (;;) {
      const { opcode, payload } = await this.frame();
      if (opcode === 0x8) return payload.readUInt16BE(0);
    }
  }

  /** Everything received, once the server has closed the connection. */
  async closed(): Promise<string> {
    await this.#until(() => this.socket.destroyed);
    return this.#received.toString();
  }

  close(): void {
    this.socket.destroy();
  }

  /** Waits, without polling, until `ready()` holds; throws if the socket closes first. */
  async #until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.socket.destroyed) throw new Error('the server closed the connection');
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** A client frame with FIN set; masked, as a client's must be, unless `masked` is false. */
export function clientFrame(opcode: number, payload: Buffer | string, masked = true): Buffer {
  const data = Buffer.from(payload);
  const head = Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | data.length]);
  if (!masked) return Buffer.concat([head, data]);
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  return Buffer.concat([head, key, data.map((byte, i) => byte ^ (key[i % 4] ?? 0))]);
}
