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
  /**
   * Writes all of `chunks` in one go, on streams that can (node:net: corked,
   * one flush); resolves once the OS has all of them, so they may be reused.
   */
  writeChunks?(chunks: readonly Uint8Array[]): Promise<void>;
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
  if (stream.writeChunks !== undefined) return stream.writeChunks(chunks);
  for (let i = 0; i < chunks.length; i++) await writeAll(stream, chunks[i]);
}

const NO_CHUNKS: readonly Uint8Array[] = [];
const NO_BYTES = new Uint8Array(0);

/**
 * Writes batches of chunks completely, one step at a time: each step is one
 * write of the stream's own (the rest of a chunk after a short write, or
 * the next chunk), with no promise or closure of ours around it. The engine
 * starts a batch with {@link begin}, runs {@link step}s and reports each
 * one's result to {@link advance} until the batch is written.
 */
export class ChunkWriter {
  private chunks: readonly Uint8Array[] = NO_CHUNKS;
  private index = 0;
  private offset = 0;
  /** The array of {@link beginOne}, made on first use. */
  private one: Uint8Array[] | null = null;

  /** @param stream the stream written to */
  constructor(private readonly stream: ByteStream) {}

  /** True while the batch given to {@link begin} is not completely written. */
  get busy(): boolean {
    return this.index < this.chunks.length;
  }

  /** Starts a batch (it must not be empty); the chunks must stay unchanged until it is written. */
  begin(chunks: readonly Uint8Array[]): void {
    this.chunks = chunks;
    this.index = 0;
    this.offset = 0;
  }

  /** Starts a batch of one chunk (not empty), in an array of the writer's own. */
  beginOne(chunk: Uint8Array): void {
    const one = this.one ??= [chunk];
    one[0] = chunk;
    this.begin(one);
  }

  /** Starts the next write of the batch; give what it resolves with to {@link advance}. */
  step(): Promise<number | void> {
    const stream = this.stream;
    if (stream.writeChunks !== undefined) return stream.writeChunks(this.chunks);
    const chunk = this.chunks[this.index];
    return stream.write(this.offset === 0 ? chunk : chunk.subarray(this.offset));
  }

  /** Records a finished step (bytes written, or nothing for a whole-batch write); true once the batch is written. */
  advance(written: number | void): boolean {
    if (typeof written === "number") {
      this.offset += written;
      if (this.offset < this.chunks[this.index].length) return false;
      this.offset = 0;
      if (++this.index < this.chunks.length) return false;
    }
    this.chunks = NO_CHUNKS;
    this.index = 0;
    // The one-chunk array lets go of its chunk (a message shared by many connections).
    if (this.one !== null) this.one[0] = NO_BYTES;
    return true;
  }
}
