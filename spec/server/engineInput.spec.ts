import { describe, expect, it } from 'vitest';
import { EngineInput } from '../../src/server/engineInput.js';

describe('EngineInput', () => {
  it('delivers pushes in order to its subscriber, none before it subscribed or after it left', () => {
    const input = new EngineInput<string>();
    const seen: string[] = [];
    input.push('early');
    const subscription = input.events.subscribe((value) => seen.push(value));
    input.push('a');
    input.push('b');
    subscription.unsubscribe();
    input.push('late');
    expect(seen).toEqual(['a', 'b']);
  });

  it('refuses a second subscriber while the first is open, accepts one after it left', () => {
    const input = new EngineInput<string>();
    const first = input.events.subscribe(() => undefined);
    const errors: unknown[] = [];
    input.events.subscribe({ error: (err: unknown) => errors.push(err) });
    expect(errors).toHaveLength(1);
    first.unsubscribe();
    const seen: string[] = [];
    input.events.subscribe((value) => seen.push(value));
    input.push('x');
    expect(seen).toEqual(['x']);
  });
});
