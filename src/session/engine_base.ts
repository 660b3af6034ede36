/**
 * What every engine shares (libzmq's stream_engine_base_t): serving one
 * pipe, pausing reads while the pipe's inbound queue is full, writing the
 * pipe's outbound queue in batches (one flush per burst, not per message),
 * lingering, and tearing down. The ZMTP engine and STREAM's raw engine say
 * only how bytes become messages and back; an engine for a message
 * transport (one ZMTP frame per WebSocket message) overrides
 * {@link EngineBase.writeChunks} too.
 *
 * @module
 */

import { nextTurn } from "../timer.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { type ByteStream, writeAll } from "../transport/byte_stream.ts";
import type { EngineHandler, SessionEngine } from "./engine.ts";
import { DrainWaiters } from "./output.ts";

/** After a write, fewer queued messages than this wait one event-loop turn for more. */
const YIELD_BELOW = 256;

/** The shared half of an engine; see the module documentation. */
export abstract class EngineBase implements SessionEngine {
  /** The pipe this engine serves, once its peer is known. */
  protected pipe: Pipe | null = null;
  /** Set once, when the engine ends. */
  protected stopped = false;
  private flushing = false;
  private resumeReading: (() => void) | null = null;
  /** Waiters for "everything queued so far is written"; used to linger. */
  private readonly drainWaiters = new DrainWaiters();

  /**
   * Wait one event-loop turn after a write that left few messages queued,
   * so a producer in a send loop can fill the queue first: fewer, larger
   * writes. Off for engines whose writes must not be delayed.
   */
  protected yieldAfterWrite = true;

  /**
   * @param stream the connection's bytes
   * @param handler the session that owns this engine
   * @param address the peer's address, for events
   */
  constructor(
    protected readonly stream: ByteStream,
    protected readonly handler: EngineHandler,
    readonly address: string,
  ) {}

  /** Starts the engine; the outcome goes to its handler. */
  abstract start(): void;
  /** Closes the connection now (our decision: not reported as a disconnection). */
  abstract close(): void;
  /** The next batch of bytes to write (empty when nothing is queued). */
  protected abstract takeOutput(): Uint8Array[];
  /** A write failed: end the engine. */
  protected abstract writeFailed(error: unknown): void;

  /** True while the engine has messages it has not yet written. */
  get hasPendingOutput(): boolean {
    return this.flushing || (this.pipe !== null && this.pipe.outbound.length > 0);
  }

  /** Resolves once every message queued so far has been written, or the engine stopped. */
  drained(): Promise<void> {
    if (this.stopped || !this.hasPendingOutput) return Promise.resolve();
    return this.drainWaiters.wait();
  }

  /** Starts serving `pipe`: its messages are written, and reading pauses while it is full. */
  protected servePipe(pipe: Pipe): void {
    this.pipe = pipe;
    pipe.outbound.onData = this.scheduleFlush;
    pipe.inbound.onSpace = this.wakeReader;
  }

  /** Resolves once `pipe`'s inbound queue has room again (or the engine stopped). */
  protected roomToRead(pipe: Pipe): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resumeReading = resolve;
      pipe.inbound.waitForSpace();
    });
  }

  /** True while reading waits for the socket to drain the inbound queue. */
  protected get readPaused(): boolean {
    return this.resumeReading !== null;
  }

  private wakeReader = (): void => {
    const resume = this.resumeReading;
    this.resumeReading = null;
    resume?.();
  };

  /** Writes what is queued, starting in a microtask: one flush per burst of sends. */
  protected scheduleFlush = (): void => {
    if (this.flushing || this.stopped) return;
    this.flushing = true;
    queueMicrotask(this.flush);
  };

  private flush = (): void => {
    this.flushLoop().catch((err) => this.writeFailed(err));
  };

  private async flushLoop(): Promise<void> {
    try {
      while (!this.stopped) {
        const chunks = this.takeOutput();
        if (chunks.length === 0) break;
        await this.writeChunks(chunks);
        // A write to a local socket completes at once, so without a pause the
        // next batch would hold only what the producer queued in the few
        // microtasks since: many small writes. One event-loop turn lets a
        // producer in a send loop fill its queue (up to the high-water mark)
        // first. A lone message (request-reply) went out in the first batch.
        if (this.yieldAfterWrite && this.pipe !== null && this.pipe.outbound.length < YIELD_BELOW) {
          await nextTurn();
        }
      }
    } finally {
      this.flushing = false;
    }
    if (!this.hasPendingOutput) this.drainWaiters.release();
  }

  /** Writes one batch, in order. */
  protected async writeChunks(chunks: Uint8Array[]): Promise<void> {
    for (let i = 0; i < chunks.length; i++) await writeAll(this.stream, chunks[i]);
  }

  /**
   * Closes the connection and lets go of the pipe's notifications; wakes a
   * paused reader and everyone waiting for the output to drain. The caller
   * has set {@link stopped} and then tells its handler.
   */
  protected teardown(): void {
    try {
      this.stream.close();
    } catch { /* already closed */ }
    const pipe = this.pipe;
    if (pipe !== null) {
      pipe.outbound.onData = null;
      pipe.inbound.onSpace = null;
    }
    this.wakeReader();
    this.drainWaiters.release();
  }
}
