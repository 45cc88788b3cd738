import { MAX_TIMER_DELAY } from '../operators/idleClock.js';

/**
 * Graceful shutdown: stop accepting, answer every upgrade still waiting for `init` with 503, end
 * every connection with `shutdown` (1001) after what its handler already returned, wait for the
 * peers' close replies, and force-close whatever has not finished after the timeout, so `close()`
 * always resolves. Also the bound on `init`: an upgrade waits for it at most `initTimeout`.
 */

/** A connection as the tracker sees it, from the upgrade until its socket is closed. */
export interface TrackedConnection {
  /** Ends the connection with reason `shutdown` (no-op once ended). */
  shutdown(): void;
  /** Destroys the socket at once. */
  destroy(): void;
  /**
   * Resolves when the socket is closed. Only shutdown asks, so a connection makes this promise on
   * the first call rather than holding one for its whole life.
   */
  whenClosed(): Promise<void>;
}

/** Why an upgrade stopped waiting for `init`'s answer. */
export type InitGivenUp = 'timeout' | 'shutdown';

/** Every live connection and pending `init` of one server. */
export interface ConnectionTracker {
  /** Whether `close()` was called: new upgrades are refused. */
  readonly closing: boolean;
  add(connection: TrackedConnection): void;
  remove(connection: TrackedConnection): void;
  /**
   * Waits for an `init` in flight, at most `timeout` ms and never past `close()`: resolves with its
   * answer, or with why the wait was given up (its later answer is then ignored).
   */
  pending<T>(work: Promise<T>, timeout: number): Promise<T | InitGivenUp>;
  /** Shuts everything down; resolves once every socket is closed (or destroyed after `timeout`). */
  close(timeout: number): Promise<void>;
}

/** Creates an empty tracker. */
export function createTracker(): ConnectionTracker {
  const live = new Set<TrackedConnection>();
  const waiting = new Set<(outcome: InitGivenUp) => void>();
  let closing: Promise<void> | undefined;

  const settleAll = async (timeout: number): Promise<void> => {
    // Upgrades still waiting for init are answered now (503); their init's answer is ignored.
    for (const giveUp of [...waiting]) giveUp('shutdown');
    for (const connection of [...live]) connection.shutdown();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      // A longer wait than a Node timer holds is no wait limit at all.
      if (timeout <= MAX_TIMER_DELAY) timer = setTimeout(() => resolve('expired'), timeout);
    });
    const outcome = await Promise.race([
      Promise.all([...live].map((connection) => connection.whenClosed())),
      expired,
    ]);
    clearTimeout(timer);
    if (outcome === 'expired') {
      for (const connection of [...live]) connection.destroy();
      await Promise.all([...live].map((connection) => connection.whenClosed()));
    }
  };

  return {
    get closing() {
      return closing !== undefined;
    },
    add: (connection) => void live.add(connection),
    remove: (connection) => void live.delete(connection),
    pending<T>(work: Promise<T>, timeout: number): Promise<T | InitGivenUp> {
      if (closing !== undefined) return Promise.resolve('shutdown');
      return new Promise<T | InitGivenUp>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const finish = (outcome: T | InitGivenUp): void => {
          if (!waiting.delete(giveUp)) return;
          clearTimeout(timer);
          resolve(outcome);
        };
        const giveUp = (why: InitGivenUp): void => finish(why);
        waiting.add(giveUp);
        if (timeout <= MAX_TIMER_DELAY) timer = setTimeout(giveUp, timeout, 'timeout');
        work.then(finish, () => finish('shutdown'));
      });
    },
    close(timeout) {
      closing ??= settleAll(timeout);
      return closing;
    },
  };
}
