import { of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { reasons, serve, type Handler, type RodeoServer, type TerminateReason } from 'rodeo';
import { quotes, type Asked, type Halt } from './quotes.js';
import { clientFrame, RawClient } from './rawClient.js';

const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** The quotes server on a free port; `ended` resolves with the first terminate reason. */
async function start(options: { handshakeTimeout?: number } = {}) {
  let onEnd: (reason: TerminateReason) => void = () => undefined;
  const ended = new Promise<TerminateReason>((resolve) => (onEnd = resolve));
  const handler: Handler<Asked, Halt> = { ...quotes(() => of(142)), terminate: onEnd };
  const server: RodeoServer = await serve({ ...options, port: 0, routes: { '/quotes': handler } });
  open.push(server);
  return { server, ended };
}

/** A raw client, upgraded on /quotes. */
async function upgraded(server: RodeoServer): Promise<RawClient> {
  const client = await RawClient.connect(server.port);
  open.push(client);
  expect(await client.upgrade('/quotes?token=t')).toMatch(/^HTTP\/1\.1 101 /);
  return client;
}

describe('quotes, sent bytes no real client sends', () => {
  it('closes an unmasked frame with 1002; terminate gets error badframe', async () => {
    const { server, ended } = await start();
    const client = await upgraded(server);
    client.write(clientFrame(0x1, 'IBM', false));
    expect(await client.closeCode()).toBe(1002);
    expect(await ended).toEqual(reasons.error('badframe'));
  });

  it('closes a text frame that is not UTF-8 with 1007; terminate gets error badencoding', async () => {
    const { server, ended } = await start();
    const client = await upgraded(server);
    client.write(clientFrame(0x1, Buffer.from([0x49, 0xc3, 0x28])));
    expect(await client.closeCode()).toBe(1007);
    expect(await ended).toEqual(reasons.error('badencoding'));
  });

  it('answers two frames that arrive in one packet, in order', async () => {
    const { server } = await start();
    const client = await upgraded(server);
    client.write(Buffer.concat([clientFrame(0x1, 'IBM'), clientFrame(0x1, 'IBM')]));
    expect((await client.frame()).payload.toString()).toBe('IBM 142');
    expect((await client.frame()).payload.toString()).toBe('IBM 142');
  });

  it('answers 408 to a request whose headers never end', async () => {
    const { server } = await start({ handshakeTimeout: 200 });
    const client = await RawClient.connect(server.port);
    open.push(client);
    client.write('GET /quotes?token=t HTTP/1.1\r\nHost: localhost\r\n'); // no blank line
    expect(await client.closed()).toMatch(/^HTTP\/1\.1 408 /);
  });
});
