/**
 * Write-side pieces every engine shares: writing a chunk whole, and the
 * waiters of "everything queued so far has been written" (used to linger).
 *
 * @module
 */

/** Writes `chunk` completely (a write may take only part of it). */
export async function writeAll(conn: Deno.Conn, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    offset += await conn.write(offset === 0 ? chunk : chunk.subarray(offset));
  }
}

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
