/**
 * The byte stream the engines read and write: the part of a connection that
 * does not depend on the runtime. `Deno.Conn` satisfies it as it is; a
 * `node:net` socket, a Bun socket or a WebSocket adapter can be wrapped to
 * satisfy it. Nothing here names `Deno`, so a browser build can import it.
 *
 * @module
 */

/** A connection's bytes: what an engine needs of a tcp or ipc connection. */
export interface ByteStream {
  /**
   * Reads into `buffer`; resolves with the number of bytes read, or null
   * at the end of the stream.
   */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `data` (perhaps not all); resolves with how much. */
  write(data: Uint8Array): Promise<number>;
  /** Closes the stream; a pending read then ends (with null or a closed-stream error). */
  close(): void;
  /** TCP keep-alive, on streams that have it (tcp; not ipc). */
  setKeepAlive?(enable: boolean): void;
}

/**
 * Error names (Deno's error classes) and codes (Node's errno strings) that
 * only mean "the stream went away": not worth reporting as a failure.
 */
const CLOSED_ERRORS = new Set([
  "BadResource",
  "Interrupted",
  "ConnectionReset",
  "BrokenPipe",
  "UnexpectedEof",
  "ECONNRESET",
  "EPIPE",
  "ERR_STREAM_DESTROYED",
]);

/** True for an error that only means the stream was closed, by either side. */
export function isClosedError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return CLOSED_ERRORS.has(err.name) || (typeof code === "string" && CLOSED_ERRORS.has(code));
}

/**
 * True for the error a listener's `accept` gives once the listener is closed
 * (Deno's BadResource): the accept loop ends instead of retrying.
 */
export function isListenerClosedError(err: unknown): boolean {
  return err instanceof Error && err.name === "BadResource";
}

/** Applies libzmq's ZMQ_TCP_KEEPALIVE (-1: OS default, 0: off, 1: on) where the stream has it. */
export function applyKeepAlive(stream: ByteStream, setting: number): void {
  if (setting >= 0) stream.setKeepAlive?.(setting === 1);
}

/** Writes `chunk` completely (a write may take only part of it). */
export async function writeAll(stream: ByteStream, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    offset += await stream.write(offset === 0 ? chunk : chunk.subarray(offset));
  }
}

/** Writes `chunks` completely, in order. */
export async function writeChunks(
  stream: ByteStream,
  chunks: readonly Uint8Array[],
): Promise<void> {
  for (let i = 0; i < chunks.length; i++) await writeAll(stream, chunks[i]);
}
