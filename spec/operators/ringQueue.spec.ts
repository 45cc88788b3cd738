import { describe, expect, it } from 'vitest';
import { RingQueue } from '../../src/operators/ringQueue.js';

describe('RingQueue', () => {
  it('is first in, first out across wrap-arounds and growth', () => {
    const queue = new RingQueue<number>();
    const out: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps while the buffer grows past 8, 16, 32 slots.
    for (let round = 1; round <= 40; round++) {
      for (let i = 0; i < round; i++) queue.push(next++);
      for (let i = 0; i < Math.floor(round / 2); i++) out.push(queue.shift() as number);
    }
    while (queue.length > 0) out.push(queue.shift() as number);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(queue.shift()).toBeUndefined();
  });

  it('counts, clears, and can be used again after clear', () => {
    const queue = new RingQueue<string>();
    for (const value of ['a', 'b', 'c']) queue.push(value);
    expect(queue.length).toBe(3);
    queue.clear();
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
    queue.push('d');
    expect([queue.length, queue.shift(), queue.length]).toEqual([1, 'd', 0]);
  });

  it('takes and gives back a backlog of 200 000 values in order', () => {
    const queue = new RingQueue<number>();
    for (let i = 0; i < 200_000; i++) queue.push(i);
    let ordered = true;
    for (let i = 0; i < 200_000; i++) ordered &&= queue.shift() === i;
    expect(ordered).toBe(true);
    expect(queue.length).toBe(0);
  });
});
