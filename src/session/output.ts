/**
 * The waiters of "everything queued so far has been written", which every
 * engine keeps (used to linger).
 *
 * @module
 */

/** Callers waiting for an engine's output to be written out. */
export class DrainWaiters {
  private waiters: (() => void)[] = [];

  /** Resolves at the next {@link release}. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes everyone waiting: the output is written, or the engine stopped. */
  release(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
