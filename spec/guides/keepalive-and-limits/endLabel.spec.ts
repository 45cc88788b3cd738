import { describe, expect, it } from 'vitest';
import { reasons } from 'rodeo';
import { endLabel } from './endLabel.js';

describe('endLabel', () => {
  it('tells the limits apart', () => {
    expect(endLabel(reasons.error('badsize'))).toBe('error_badsize');
    expect(endLabel(reasons.error('closed'))).toBe('error_closed');
    expect(endLabel(reasons.backpressure)).toBe('backpressure_outbound');
    expect(endLabel(reasons.mailboxFull)).toBe('backpressure_mailbox');
    expect(endLabel(reasons.crash('init', new Error('slow')))).toBe('crash_init');
    expect(endLabel(reasons.timeout)).toBe('timeout');
  });
});
