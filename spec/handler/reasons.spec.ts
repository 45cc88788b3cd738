import { describe, expect, it } from 'vitest';
import { closeCodeFor, isValidCloseCode, reasons, type TerminateReason } from 'rodeo';

describe('closeCodeFor', () => {
  const table: [TerminateReason, number | null][] = [
    [reasons.normal, null],
    [reasons.remote(), 1005],
    [reasons.remote(4001, 'x'), 4001],
    [reasons.stop, 1000],
    [reasons.timeout, 1000],
    [reasons.crash('websocketHandle', new Error('x')), 1011],
    [reasons.error('badencoding'), 1007],
    [reasons.error('badframe'), 1002],
    [reasons.error('badsize'), 1009],
    [reasons.error('closed'), null],
    [reasons.socketError(new Error('reset')), null],
    [reasons.shutdown, 1001],
    [reasons.backpressure, 1008],
  ];

  it.each(table)('%j → %s', (reason, code) => {
    expect(closeCodeFor(reason)).toBe(code);
  });

  it('covers every reason type', () => {
    const types = new Set(table.map(([reason]) => reason.type));
    expect([...types].sort()).toEqual(
      ['backpressure', 'crash', 'error', 'normal', 'remote', 'shutdown', 'stop', 'timeout'].sort(),
    );
  });

  it('rejects what is not a reason', () => {
    expect(() => closeCodeFor({ type: 'bogus' } as never)).toThrow(TypeError);
    expect(() => closeCodeFor({ type: 'error', error: 'bogus' } as never)).toThrow(TypeError);
  });
});

describe('isValidCloseCode', () => {
  it.each([1000, 1001, 1002, 1003, 1007, 1011, 1012, 1013, 1014, 3000, 4999])(
    '%i may be sent',
    (code) => {
      expect(isValidCloseCode(code)).toBe(true);
    },
  );
  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 1000.5])('%d may not', (code) => {
    expect(isValidCloseCode(code)).toBe(false);
  });
});
