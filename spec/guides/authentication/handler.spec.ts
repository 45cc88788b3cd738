import { describe, expect, it } from 'vitest';
import { close, reasons, text, MAX_TIMER_DELAY, type TextFrame } from 'rodeo';
import { createTestScheduler, marbles, peerClose, terminal } from 'rodeo/testing';
import type { Session } from './authenticate.js';
import type { Identity, TokenStore } from './credentials.js';
import { authHandler, MAX_REFUSALS, TOKEN_EXPIRED } from './handler.js';

const noTokens: TokenStore = { lookup: () => Promise.resolve(undefined) };
const json = (value: unknown): TextFrame => text(JSON.stringify(value));
const session = (identity: Partial<Identity> = {}): Session => ({
  identity: { user: 'ann', roles: ['read'], expiresAt: 10_000, ...identity },
  refusals: 0,
  expiry: null,
});
const read = text('{"action":"read"}');
const write = text('{"action":"write"}');

describe('per-message authorization', () => {
  it('answers an action the role does not allow with a typed error, and stays open', () => {
    const scheduler = createTestScheduler();
    const handler = authHandler({ tokens: noTokens, allowedOrigins: [], scheduler });
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-w-r-x-p', {
        w: write,
        r: read,
        x: text('{"action":"constructor"}'),
        p: peerClose(1000),
      });
      expectObservable(connect(handler, input, { state: session() })).toBe('-f-d-b-(t|)', {
        f: json({ type: 'error', code: 'forbidden', action: 'write' }),
        d: json({ type: 'done', action: 'read', user: 'ann' }),
        b: json({ type: 'error', code: 'bad_request' }),
        t: terminal(reasons.remote(1000)),
      });
    }, scheduler);
  });

  it(`closes with 1008 after ${MAX_REFUSALS} refused actions in a row`, () => {
    const scheduler = createTestScheduler();
    const handler = authHandler({ tokens: noTokens, allowedOrigins: [], scheduler });
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-w-w-r-w-w-w', { w: write, r: read });
      expectObservable(connect(handler, input, { state: session() })).toBe('-f-f-d-f-f-(fct|)', {
        f: json({ type: 'error', code: 'forbidden', action: 'write' }),
        d: json({ type: 'done', action: 'read', user: 'ann' }),
        c: close(1008, 'too many forbidden actions'),
        t: terminal(reasons.stop),
      });
    }, scheduler);
  });

  it('lets a writer write', () => {
    const scheduler = createTestScheduler();
    const handler = authHandler({ tokens: noTokens, allowedOrigins: [], scheduler });
    const writer = session({ user: 'bob', roles: ['read', 'write'] });
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-w-p', { w: write, p: peerClose(1000) });
      expectObservable(connect(handler, input, { state: writer })).toBe('-d-(t|)', {
        d: json({ type: 'done', action: 'write', user: 'bob' }),
        t: terminal(reasons.remote(1000)),
      });
    }, scheduler);
  });
});

describe('token expiry', () => {
  it(`closes with ${TOKEN_EXPIRED} when the token expires, in virtual time`, () => {
    const scheduler = createTestScheduler();
    const handler = authHandler({ tokens: noTokens, allowedOrigins: [], scheduler });
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-r', { r: read });
      const state = session({ expiresAt: 3_000 });
      expectObservable(connect(handler, input, { state })).toBe('-d 2998ms (ct|)', {
        d: json({ type: 'done', action: 'read', user: 'ann' }),
        c: close(TOKEN_EXPIRED, 'token expired'),
        t: terminal(reasons.stop),
      });
    }, scheduler);
  });

  it('waits out a lifetime longer than a Node timer holds in steps, never early', () => {
    const scheduler = createTestScheduler();
    const handler = authHandler({ tokens: noTokens, allowedOrigins: [], scheduler });
    const expiresAt = 2 * MAX_TIMER_DELAY + 5;
    marbles(({ cold, expectObservable, connect }) => {
      const state = session({ expiresAt });
      const output = connect(handler, cold('-'), { state, idleTimeout: Infinity });
      expectObservable(output).toBe(`${expiresAt}ms (ct|)`, {
        c: close(TOKEN_EXPIRED, 'token expired'),
        t: terminal(reasons.stop),
      });
    }, scheduler);
  });

  it('releases its timer when the connection ends first', () => {
    const scheduler = createTestScheduler();
    const handler = authHandler({ tokens: noTokens, allowedOrigins: [], scheduler });
    let last: Session | undefined;
    const watched: typeof handler = {
      ...handler,
      terminate: (reason, req, state) => {
        handler.terminate?.(reason, req, state);
        last = state;
      },
    };
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-p', { p: peerClose(1000) });
      expectObservable(connect(watched, input, { state: session() })).toBe('-(t|)', {
        t: terminal(reasons.remote(1000)),
      });
    }, scheduler);
    expect(last?.expiry?.closed).toBe(true);
  });
});
