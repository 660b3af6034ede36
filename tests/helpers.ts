/** Small helpers shared by the tests. */

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects if `promise` does not settle within `ms`, so a hang fails the test instead of stalling CI. */
export async function within<T>(ms: number, promise: Promise<T>, what = "operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every few ms until true, failing after `ms`. */
export async function eventually(
  condition: () => boolean,
  ms = 5000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await delay(5);
  }
}

/** UTF-8 bytes of a string. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Frames decoded as UTF-8 strings. */
export function texts(frames: Uint8Array[]): string[] {
  return frames.map((f) => new TextDecoder().decode(f));
}

/** A buffer of `size` bytes with a recognisable pattern. */
export function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
