/**
 * Graceful shutdown (SEMANTICS §4): stop accepting, end every connection with `shutdown` (1001)
 * after what its handler already returned, wait for the peers' close replies, and force-close
 * whatever has not finished after the timeout, so `close()` always resolves.
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

/** Every live connection and pending `init` of one server. */
export interface ConnectionTracker {
  /** Whether `close()` was called: new upgrades are refused. */
  readonly closing: boolean;
  add(connection: TrackedConnection): void;
  remove(connection: TrackedConnection): void;
  /** Tracks an `init` in flight, so `close()` waits for its `terminate` too. */
  pending<T>(work: Promise<T>): Promise<T>;
  /** Shuts everything down; resolves once every socket is closed (or destroyed after `timeout`). */
  close(timeout: number): Promise<void>;
}

/** Creates an empty tracker. */
export function createTracker(): ConnectionTracker {
  const live = new Set<TrackedConnection>();
  const inits = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const settleAll = async (timeout: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), timeout);
    });
    // inits in flight answer 503 once they settle (closing is set); their terminate runs first.
    await Promise.race([Promise.allSettled([...inits]), expired]);
    for (const connection of [...live]) connection.shutdown();
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
    pending(work) {
      inits.add(work);
      const forget = (): void => void inits.delete(work);
      work.then(forget, forget);
      return work;
    },
    close(timeout) {
      closing ??= settleAll(timeout);
      return closing;
    },
  };
}
