/** A power of two, so positions wrap with a mask. */
const INITIAL_CAPACITY = 8;

/**
 * A first-in first-out queue on a ring buffer: `push` and `shift` are O(1) whatever the length,
 * where `Array#shift` moves every element left (a mailbox drained with it is quadratic: 150 000
 * queued frames took 18.8 s of blocked event loop). The buffer grows by doubling and shrinks back
 * when emptied, so a burst does not keep its memory.
 *
 * ```
 * push a, push b, shift → a, push c, shift → b, shift → c, shift → undefined
 * ```
 */
export class RingQueue<T> {
  #items: (T | undefined)[] = new Array<T | undefined>(INITIAL_CAPACITY);
  #head = 0;
  #length = 0;

  /** How many values wait. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value`. */
  push(value: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const value = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    if (--this.#length === 0) this.#reset();
    return value;
  }

  /** Drops every value. */
  clear(): void {
    if (this.#length === 0) return;
    this.#length = 0;
    this.#items = new Array<T | undefined>(INITIAL_CAPACITY);
    this.#head = 0;
  }

  #grow(): void {
    const items = this.#items;
    const grown = new Array<T | undefined>(items.length * 2);
    for (let i = 0; i < this.#length; i++) grown[i] = items[(this.#head + i) & (items.length - 1)];
    this.#items = grown;
    this.#head = 0;
  }

  /** Emptied: start at the front again, and give back what a burst grew. */
  #reset(): void {
    this.#head = 0;
    if (this.#items.length > INITIAL_CAPACITY)
      this.#items = new Array<T | undefined>(INITIAL_CAPACITY);
  }
}
