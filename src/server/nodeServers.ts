import type { Http2SecureServer, Http2Server } from 'node:http2';

/*
 * Node's server types as rodeo names them. The published declarations of `attach` and
 * `closeIdleHttp2Sessions` import this module, so it imports nothing of rodeo's: the server's
 * internals name ws's types, which a consumer without @types/ws could not compile.
 */

/**
 * A `node:http2` server, with TLS (`createSecureServer`) or without (`createServer`): what
 * {@link attach} (as an {@link AttachableServer}) and {@link closeIdleHttp2Sessions} take.
 */
export type AnyHttp2Server = Http2SecureServer | Http2Server;
