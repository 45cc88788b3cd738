import { describe, expect, it } from 'vitest';
import { active, binary, close, ok, ping, pong, reply, commands, stop, text } from 'rodeo';
import { utf8Length, validateCommand, validateResult } from '../../src/handler/validate.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('validateResult', () => {
  it('accepts every result form', () => {
    for (const result of [ok(1), stop(1), reply(text('a'), 1), commands([], 1)]) {
      expect(validateResult(result)).toBe(result);
    }
  });
  it.each([null, 1, 'ok', {}, { type: 'reply', frames: 'x' }, { type: 'commands' }])(
    'rejects %j',
    (value) => {
      expect(codeOf(() => validateResult(value))).toBe('RODEO_ERR_INVALID_RESULT');
    },
  );
  it('describes values JSON cannot', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => validateResult(cyclic)).toThrow(/object Object/);
    expect(() => validateResult(undefined)).toThrow(/undefined/);
  });
});

describe('validateCommand', () => {
  it('accepts valid frames and commands', () => {
    for (const command of [
      text('a'),
      binary(Uint8Array.of(1)),
      ping(new Uint8Array(125)),
      pong(),
      close(),
      close(4000, 'x'.repeat(123)),
      active(true),
    ]) {
      expect(validateCommand(command)).toBe(command);
    }
  });

  it.each([
    [
      'a control payload over 125 bytes',
      ping(new Uint8Array(126)),
      'RODEO_ERR_CONTROL_FRAME_TOO_LARGE',
    ],
    [
      'a close reason over 123 bytes',
      close(1000, 'é'.repeat(62)),
      'RODEO_ERR_CONTROL_FRAME_TOO_LARGE',
    ],
    ['a reserved close code', close(1005), 'RODEO_ERR_INVALID_CLOSE_CODE'],
    [
      'a close code of the wrong type',
      { type: 'close', code: '1000' },
      'RODEO_ERR_INVALID_CLOSE_CODE',
    ],
    ['a reason without a code', { type: 'close', reason: 'x' }, 'RODEO_ERR_INVALID_RESULT'],
    [
      'a reason that is not a string',
      { type: 'close', code: 1000, reason: 1 },
      'RODEO_ERR_INVALID_RESULT',
    ],
    ['text that is not a string', { type: 'text', data: 1 }, 'RODEO_ERR_INVALID_RESULT'],
    ['binary that is not bytes', { type: 'binary', data: 'x' }, 'RODEO_ERR_INVALID_RESULT'],
    ['a ping that is not bytes', { type: 'ping', data: 'x' }, 'RODEO_ERR_INVALID_RESULT'],
    ['an unknown command', { type: 'fly' }, 'RODEO_ERR_INVALID_RESULT'],
    ['null', null, 'RODEO_ERR_INVALID_RESULT'],
  ])('rejects %s', (_, value, code) => {
    expect(codeOf(() => validateCommand(value))).toBe(code);
  });
});

describe('utf8Length', () => {
  it.each(['', 'abc', 'é', '€', '😀', 'a😀é', '\ud800'])('matches Buffer for %j', (s) => {
    expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});
