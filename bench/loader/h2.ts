/**
 * WebSockets over HTTP/2 for the load generator (RFC 8441): every stream of a job rides one HTTP/2
 * connection per server (the point of the protocol), opened on first use and closed after the job.
 * A stream answered 200 is handed out as the connection's duplex; frames on it are the same bytes
 * as on a TCP socket.
 */
import http2, { type ClientHttp2Session } from 'node:http2';
import type { OpenConnection, Target } from './connect.js';

const HANDSHAKE_TIMEOUT_MS = 10_000;
const EMPTY = Buffer.alloc(0);
/** The loader's receive window for a whole connection. */
const CONNECTION_WINDOW = 16 * 1024 * 1024;

/** One HTTP/2 connection per `host:port`, shared by the job's streams. */
const sessions = new Map<string, Promise<ClientHttp2Session>>();

/**
 * Opens a WebSocket as an extended CONNECT stream, resolving with the stream paused.
 *
 * @param target The server (TLS, self-signed certificate accepted) and path.
 */
export async function openStream(target: Target): Promise<OpenConnection> {
  const session = await sessionFor(target);
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'CONNECT',
      ':protocol': 'websocket',
      ':scheme': 'https',
      ':path': target.path,
      ':authority': `${target.host}:${target.port}`,
      'sec-websocket-version': '13',
      ...(target.deflate ? { 'sec-websocket-extensions': 'permessage-deflate' } : {}),
    });
    const timer = setTimeout(() => fail(new Error('handshake timeout')), HANDSHAKE_TIMEOUT_MS);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      stream.destroy();
      reject(err);
    };
    stream.once('error', fail);
    stream.once('response', (headers) => {
      clearTimeout(timer);
      stream.off('error', fail);
      if (headers[':status'] !== 200) return fail(new Error(`CONNECT: ${headers[':status']}`));
      stream.pause();
      resolve({ socket: stream, leftover: EMPTY });
    });
  });
}

/** Closes every HTTP/2 connection (after a job). */
export function closeSessions(): void {
  for (const session of sessions.values())
    void session.then(
      (s) => s.destroy(),
      () => undefined,
    );
  sessions.clear();
}

function sessionFor(target: Target): Promise<ClientHttp2Session> {
  const key = `${target.host}:${target.port}`;
  let session = sessions.get(key);
  if (session === undefined) {
    session = new Promise((resolve, reject) => {
      const s = http2.connect(`https://${key}`, { rejectUnauthorized: false });
      s.once('error', reject);
      s.once('remoteSettings', () => {
        // What browsers do (Chromium: 15 MB): replies from 100 busy streams need more than the
        // 64 KiB HTTP/2 starts with, or the connection, not the server, sets the pace.
        s.setLocalWindowSize(CONNECTION_WINDOW);
        s.off('error', reject);
        s.on('error', () => undefined);
        resolve(s);
      });
    });
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  return session;
}
