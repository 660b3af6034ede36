/**
 * The raw engine of STREAM sockets (libzmq's raw_engine_t): no greeting, no
 * handshake, no framing. Each read from the connection becomes a
 * one-frame message holding exactly the bytes read; each frame of an
 * outgoing message is written as it is. An empty message tells the socket
 * that the connection opened, and another that it closed (libzmq's
 * ZMQ_STREAM_NOTIFY, on by default).
 *
 * Reads go into a large slab that is carved into messages, so a read is
 * not copied; writes coalesce small frames into one write per batch and
 * send large frames without copying them.
 *
 * @module
 */

import { concatBytes } from "../message.ts";
import { type ByteStream, ChunkWriter, isClosedError } from "../transport/byte_stream.ts";
import type { PeerInfo } from "../pipe/pipe.ts";
import { StorageTagger } from "../pipe/properties.ts";
import type { EngineHandler, EngineStop } from "./engine.ts";
import { EngineBase } from "./engine_base.ts";

/** Size of a read slab; reads are carved out of it until little is left. */
const SLAB_BYTES = 256 * 1024;
/** A slab with less room than this is replaced by a fresh one. */
const MIN_READ_BYTES = 16 * 1024;
/** Frames smaller than this are copied into one write; larger ones are written as they are. */
const COALESCE_BYTES = 16 * 1024;
/** Stop gathering a batch once it holds this many bytes. */
const BATCH_BYTES = 256 * 1024;

/** One raw byte-stream connection; see the module documentation. */
export class RawEngine extends EngineBase {
  private slab = new Uint8Array(SLAB_BYTES);
  private slabUsed = 0;
  private readonly writer: ChunkWriter;

  /**
   * @param stream the byte stream
   * @param handler the session that owns this engine
   * @param address the peer's address, for events
   */
  constructor(
    private readonly stream: ByteStream,
    handler: EngineHandler,
    readonly address: string,
  ) {
    super(handler);
    this.writer = new ChunkWriter(stream);
    // Raw bytes are written as soon as they are queued.
    this.yieldAfterWrite = false;
  }

  /** Peer-Address for the messages of this connection (libzmq gives STREAM messages one too). */
  private tagger: StorageTagger | null = null;

  /** Attaches to the session's pipe at once (there is no handshake) and starts reading. */
  start(): void {
    const peer: PeerInfo = {
      socketType: "",
      identity: new Uint8Array(0),
      metadata: new Map(),
      address: this.address,
      zmtpMinor: 0,
    };
    this.tagger = new StorageTagger(peer);
    this.servePipe(this.handler.onReady(this, peer));
    this.notify();
    this.scheduleFlush();
    this.readLoop().then(
      () => this.stop(true),
      (err) => this.stop(true, err),
    );
  }

  /** Closes the connection now; the socket asked for it, so no disconnect message is queued. */
  close(): void {
    this.stop(false);
  }

  // ---- reading -------------------------------------------------------------

  private async readLoop(): Promise<void> {
    const stream = this.stream;
    while (!this.stopped) {
      const pipe = this.pipe!;
      if (pipe.inbound.full) {
        await this.roomToRead(pipe);
        if (this.stopped) return;
      }
      if (SLAB_BYTES - this.slabUsed < MIN_READ_BYTES) {
        this.slab = new Uint8Array(SLAB_BYTES);
        this.slabUsed = 0;
      }
      const start = this.slabUsed;
      const n = await stream.read(this.slab.subarray(start));
      if (n === null || this.stopped) return;
      this.slabUsed = start + n;
      this.tagger!.tag(this.slab.buffer);
      pipe.inbound.push([this.slab.subarray(start, start + n)]);
    }
  }

  /** Queues the empty message that reports a connect or a disconnect. */
  private notify(): void {
    const pipe = this.pipe;
    // A fresh array each time: the socket puts the connection id in front of it.
    if (pipe === null || pipe.detached) return;
    const empty = new Uint8Array(0);
    this.tagger?.tag(empty.buffer);
    pipe.inbound.push([empty]);
  }

  // ---- writing -------------------------------------------------------------

  /** EngineBase: a write failed; the connection is gone. */
  protected writeFailed(error: unknown): void {
    this.stop(true, error);
  }

  /** EngineBase: writes a batch of queued messages (see {@link takeBatch}). */
  protected writeBatch(): Promise<unknown> | null {
    const writer = this.writer;
    if (!writer.busy) {
      const chunks = this.takeBatch();
      if (chunks.length === 0) return null;
      writer.begin(chunks);
    }
    return writer.step();
  }

  /** EngineBase: one write of the batch is done; true once all of it is. */
  protected override batchWritten(result: unknown): boolean {
    return this.writer.advance(result as number | void);
  }

  /** EngineBase: closes the byte stream. */
  protected closeTransport(): void {
    this.stream.close();
  }

  /**
   * Takes queued messages up to a batch: runs of small frames become one
   * buffer, large frames stay as they are.
   */
  private takeBatch(): Uint8Array[] {
    const queue = this.pipe!.outbound;
    const chunks: Uint8Array[] = [];
    let small: Uint8Array[] = [];
    let smallBytes = 0;
    let total = 0;
    while (total < BATCH_BYTES) {
      const msg = queue.shift();
      if (msg === undefined) break;
      for (let i = 0; i < msg.length; i++) {
        const frame = msg[i];
        total += frame.length;
        if (frame.length < COALESCE_BYTES) {
          small.push(frame);
          smallBytes += frame.length;
          continue;
        }
        if (small.length > 0) chunks.push(concat(small, smallBytes));
        small = [];
        smallBytes = 0;
        chunks.push(frame);
      }
    }
    if (small.length > 0) chunks.push(concat(small, smallBytes));
    return chunks;
  }

  // ---- ending --------------------------------------------------------------

  /**
   * Stops the engine. `byPeer` is true when the connection ended on its own
   * (end of stream or an error), which the socket hears as an empty message.
   */
  private stop(byPeer: boolean, error?: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.teardown();
    if (byPeer) this.notify();
    const stop: EngineStop = { wasReady: true, requested: !byPeer };
    if (error !== undefined && !isClosedError(error)) stop.error = error;
    this.handler.onStopped(this, stop);
  }
}

/** Joins frames into one buffer (one frame is returned as it is). */
function concat(frames: Uint8Array[], size: number): Uint8Array {
  return frames.length === 1 ? frames[0] : concatBytes(frames, size);
}
