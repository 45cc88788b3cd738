import { Subject, type Observable } from 'rxjs';
import type { ConnectionContext, ConnectionRef, WebSocketVersion } from '../handler/context.js';
import type { InfoEvent } from '../handler/events.js';
import { request, type UpgradeRequest } from '../handler/request.js';

/**
 * A connection context for tests, with a mailbox you can read from and close: what
 * {@link testContext} makes, for calling a handler's callbacks directly or for the `ctx` of
 * {@link rodeo!connection | connection}.
 */
export interface TestContext<I> extends ConnectionContext<I> {
  /** Info sent to `ref`, as events (merged into the connection's input by `runConnection`). */
  readonly mailbox$: Observable<InfoEvent<I>>;
  /** Marks the connection as ended: `ref.send` returns false from then on. */
  end(): void;
}

/** What a test context may be given; every field has a default. */
export interface TestContextOptions {
  /** The upgrade request `ctx.req` holds (default: `GET /`, {@link rodeo!request | request}). */
  readonly req?: UpgradeRequest;
  /** Whether permessage-deflate counts as negotiated (default `false`). */
  readonly compress?: boolean;
  /** The protocol version the peer used (default 13). */
  readonly version?: WebSocketVersion;
  /** The chosen subprotocol (default `null`, none). */
  readonly protocol?: string | null;
  /** The ref's id (default `test-1`, `test-2`, …). */
  readonly id?: string;
}

let nextId = 0;

/**
 * A connection context without a socket: `ref.send(x)` delivers `info(x)` through `mailbox$`
 * until `end()`.
 *
 * ```ts
 * const ctx = testContext<string>({ req: request({ url: '/rooms/lobby' }) });
 * ctx.ref.send('hi'); // ctx.mailbox$ emits info('hi')
 * ```
 */
export function testContext<I>(options: TestContextOptions = {}): TestContext<I> {
  const mailbox = new Subject<InfoEvent<I>>();
  let closed = false;
  const ref: ConnectionRef<I> = {
    id: options.id ?? `test-${++nextId}`,
    get closed() {
      return closed;
    },
    send(info: I): boolean {
      if (closed) return false;
      mailbox.next({ type: 'info', info });
      return true;
    },
  };
  return {
    ref,
    compress: options.compress ?? false,
    version: options.version ?? 13,
    protocol: options.protocol ?? null,
    req: options.req ?? request(),
    mailbox$: mailbox.asObservable(),
    end() {
      closed = true;
      mailbox.complete();
    },
  };
}
