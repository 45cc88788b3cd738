import { describe, expect, it } from 'vitest';
import {
  characters,
  checkNick,
  cleanText,
  guestNick,
  MAX_NICK,
  nickName,
} from '../../examples/chatText.js';

describe('chat text', () => {
  it('keeps a nick trimmed, NFKC-normalized, without invisible characters, cut at MAX_NICK', () => {
    expect(checkNick('  ann  ')).toEqual({ type: 'ok', nick: 'ann' });
    expect(checkNick('ａｎｎ')).toEqual({ type: 'ok', nick: 'ann' });
    expect(checkNick('a\u200bn\u202en')).toEqual({ type: 'ok', nick: 'ann' });
    expect(checkNick('ann\t\nlee')).toEqual({ type: 'ok', nick: 'ann lee' });
    expect(checkNick('🤠'.repeat(40))).toEqual({ type: 'ok', nick: '🤠'.repeat(MAX_NICK) });
    expect(checkNick('guest-x')).toEqual({ type: 'ok', nick: 'guest-x' });
  });

  it('refuses a nick with nothing visible, and guest-N nicks', () => {
    const empty = { type: 'invalid', reason: 'a nick needs a visible character' };
    expect(checkNick('')).toEqual(empty);
    expect(checkNick(' \u200b\u0001 ')).toEqual(empty);
    const guest = { type: 'invalid', reason: 'guest-N nicks are given out' };
    expect(checkNick('guest-3')).toEqual(guest);
    expect(checkNick(' GUEST-12 ')).toEqual(guest);
    expect(guestNick(7)).toBe('guest-7');
  });

  it('names a nick in the registry whatever its case', () => {
    expect(nickName('Ann')).toBe('nick:ann');
    expect(nickName('ANN')).toBe(nickName('ann'));
  });

  it('cleans text so that JSON escaping cannot inflate it', () => {
    expect(cleanText(' a\tb\n\nc\u0000d\u200be ')).toBe('a b c de');
    expect(JSON.stringify(cleanText('\u0001'.repeat(1000)))).toBe('""');
    expect(cleanText('ｈｉ 🤠')).toBe('hi 🤠');
  });

  it('counts characters as code points', () => {
    expect(characters('')).toBe(0);
    expect(characters('é🤠x')).toBe(3);
  });
});
