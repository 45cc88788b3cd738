/**
 * A minimal reverse proxy for the specs, doing what nginx does for a WebSocket: it forwards the
 * upgrade request with `X-Forwarded-For` appended, then pipes bytes both ways. It connects to the
 * app from its own address (`localAddress`, e.g. 127.0.0.2), so the app can tell it from clients,
 * and cuts a tunnel silent for `idleTimeout` ms, as nginx's `proxy_read_timeout` does.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** Where the proxy forwards to, from which address, and how long a tunnel may stay silent. */
export interface ProxyOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly localAddress: string;
  readonly idleTimeout: number;
}

/** A running proxy. */
export interface Proxy {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1, port 0. */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const { target, localAddress } = options;
  const server = createServer((req, res) => {
    const upstream = request({ ...target, localAddress, method: req.method, path: req.url });
    for (const [name, value] of forwardedHeaders(req)) upstream.setHeader(name, value);
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const tunnels = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.add(client);
    const upstream = connect({ ...target, localAddress });
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (const [name, value] of forwardedHeaders(req)) lines.push(`${name}: ${value}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    upstream.write(head);
    client.pipe(upstream).pipe(client);
    const cut = (): void => {
      tunnels.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.setTimeout(options.idleTimeout, cut); // no byte either way for that long
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      for (const client of tunnels) client.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request's headers as received, with this hop appended to `X-Forwarded-For`. */
function forwardedHeaders(req: IncomingMessage): [string, string][] {
  const headers: [string, string][] = [];
  const forwarded = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name = '', value = ''] = req.rawHeaders.slice(i, i + 2);
    if (name.toLowerCase() === 'x-forwarded-for') forwarded.push(value);
    else headers.push([name, value]);
  }
  forwarded.push(req.socket.remoteAddress ?? '');
  headers.push(['X-Forwarded-For', forwarded.join(', ')]);
  return headers;
}
