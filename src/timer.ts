/** The handle `setTimeout`/`setInterval` return in this runtime. */
export type Timer = ReturnType<typeof setTimeout>;

/**
 * Resolves on the next event-loop turn, after pending I/O completions.
 * (`setTimeout(0)` would wait about 2 ms in Deno when nested, and 4 ms in a
 * browser.)
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => scheduleTurn(resolve));
}

/** Calls `callback` on the next event-loop turn, as {@link nextTurn} resolves (no promise made). */
export function onNextTurn(callback: () => void): void {
  scheduleTurn(callback);
}

/** Deno's `setImmediate`; in a browser, which has none, a message to ourselves. */
const scheduleTurn: (callback: () => void) => void = typeof setImmediate === "function"
  ? setImmediate
  : postedTurn();

/** Runs callbacks in order, each on a later turn, through a `MessageChannel`. */
function postedTurn(): (callback: () => void) => void {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()!();
  return (callback) => {
    waiting.push(callback);
    channel.port2.postMessage(null);
  };
}
