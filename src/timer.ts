/** The handle `setTimeout`/`setInterval` return in this runtime. */
export type Timer = ReturnType<typeof setTimeout>;

/**
 * Resolves on the next event-loop turn, after pending I/O completions.
 * (`setTimeout(0)` would wait about 2 ms in Deno when nested.)
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
