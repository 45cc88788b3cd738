import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { reasons } from '../handler/reasons.js';
import type { HeaderFields, UpgradeRequest } from '../handler/request.js';
import type { ConnectionPlan } from '../operators/plan.js';
import type { Accepted, UpgradeExchange } from './exchange.js';
import { checkHandshake, writeHttpResponse, type HandshakeCheck } from './handshake.js';
import { requestSnapshot, type ParsedTarget } from './requestSnapshot.js';
import type { ServerContext } from './serverContext.js';
import { acceptWithWs } from './ws/wsUpgrade.js';

/**
 * An HTTP/1.1 upgrade (RFC 6455 §4): Node's `upgrade` event hands over the request, the raw socket
 * and the bytes read past the headers. Refusals are written on the socket, which is then closed;
 * the 101 and the WebSocket are made by `acceptWithWs`.
 */
export class Http1Exchange implements UpgradeExchange {
  readonly httpVersion = 'HTTP/1.1';
  readonly #req: IncomingMessage;
  readonly #socket: Duplex;
  readonly #head: Buffer;

  constructor(req: IncomingMessage, socket: Duplex, head: Buffer) {
    this.#req = req;
    this.#socket = socket;
    this.#head = head;
  }

  get target(): string {
    return this.#req.url ?? '/';
  }

  hold(): void {
    this.#socket.on('error', ignoreEarlyError);
  }

  check(): HandshakeCheck {
    return checkHandshake(this.#req);
  }

  snapshot(params: Readonly<Record<string, string>>, target: ParsedTarget): UpgradeRequest {
    return requestSnapshot(this.#req, params, this.#req.headers, target);
  }

  answer(
    status: number,
    headers: HeaderFields | readonly (readonly [string, string])[],
    body?: string | Uint8Array,
  ): undefined {
    writeHttpResponse(this.#socket, status, headers, body);
    return undefined;
  }

  accept(server: ServerContext, plan: ConnectionPlan<unknown>): Accepted {
    const socket = this.#socket;
    const transport = acceptWithWs(server, this.#req, socket, this.#head, plan);
    if (transport === undefined) {
      socket.destroy();
      return { type: 'gone', reason: reasons.error('closed') };
    }
    socket.off('error', ignoreEarlyError);
    return { type: 'open', transport };
  }

  abort(): void {
    this.#socket.destroy();
  }
}

function ignoreEarlyError(): void {
  // The upgrade path writes its answer (or gives up) on its own; the error needs no handling here.
}
