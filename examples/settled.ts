/**
 * One way to call on with a value that is either there or a promise of it: handlers that ask the
 * registry or another handler's `init` keep the synchronous path when the answer is synchronous
 * (in-process `LocalRegistry`) and need no other code when it is a promise (a registry shared
 * between processes).
 */

/**
 * `next(value)` at once if `value` is plain, or once it settles if it is a promise (or thenable).
 *
 * @param value The value, or a promise of it.
 * @param next What to do with it.
 * @return `next`'s result, or a promise of it.
 */
export function whenSettled<T, R>(
  value: T | PromiseLike<T>,
  next: (value: T) => R | PromiseLike<R>,
): R | PromiseLike<R> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
