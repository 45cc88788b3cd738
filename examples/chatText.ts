/**
 * What the chat accepts as text and as nicks. Nicks are compared without case and after Unicode
 * NFKC normalization, and invisible characters are removed, so `Ann`, `ann` and `ann` followed by
 * a zero-width space are one nick: one member cannot pass for another by those means (look-alike
 * letters from other scripts still can). `guest-N` nicks are handed out by the server only.
 */

/** Longest nick kept, in characters (code points); longer ones are cut. */
export const MAX_NICK = 24;

/** Longest message, in characters (code points) after cleaning; longer ones are refused. */
export const MAX_TEXT = 1000;

/** A requested nick, checked. */
export type NickCheck =
  | { readonly type: 'ok'; readonly nick: string }
  | { readonly type: 'invalid'; readonly reason: string };

const GUEST = /^guest-\d+$/i;

/**
 * Checks a requested nick: NFKC-normalized, invisible and control characters removed, runs of
 * white space made one space, trimmed and cut to {@link MAX_NICK} characters.
 *
 * @param raw What the client asked for.
 * @return The nick to register, or why there is none.
 */
export function checkNick(raw: string): NickCheck {
  const cleaned = [...cleanText(raw.slice(0, 16 * MAX_NICK))].slice(0, MAX_NICK).join('').trim();
  if (cleaned === '') return { type: 'invalid', reason: 'a nick needs a visible character' };
  if (GUEST.test(cleaned)) return { type: 'invalid', reason: 'guest-N nicks are given out' };
  return { type: 'ok', nick: cleaned };
}

/** The registry name that holds `nick`: one per nick whatever its case. */
export function nickName(nick: string): string {
  return `nick:${nick.toLowerCase()}`;
}

/** The nick of the `n`th guest; never valid as a requested nick, so never taken by a member. */
export function guestNick(n: number): string {
  return `guest-${n}`;
}

/**
 * Text as the chat shows it: NFKC-normalized, control and format characters (newlines, tabs,
 * zero-width and direction marks) turned into spaces or removed, runs of white space made one
 * space. Keeps JSON escaping from inflating a message: what is left escapes to at most two bytes
 * per character (`"` and `\`).
 */
export function cleanText(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\p{C}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** How many characters (code points, not UTF-16 units) `line` has. */
export function characters(line: string): number {
  let count = 0;
  for (const _ of line) count++;
  return count;
}
