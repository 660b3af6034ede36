/**
 * What every engine shares (libzmq's stream_engine_base_t): serving one
 * pipe, pausing reads while the pipe's inbound queue is full, writing the
 * pipe's outbound queue in batches (one flush per burst, not per message),
 * lingering, and tearing down. The ZMTP, raw (STREAM) and WebSocket
 * engines say only how messages become bytes or frames and back
 * ({@link EngineBase.writeBatch}) and how their transport closes.
 *
 * @module
 */

import { onNextTurn, type Timer } from "../timer.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { HandshakeError, type HandshakeFailure } from "../mechanism/mechanism.ts";
import { isClosedError } from "../transport/byte_stream.ts";
import type { EngineHandler, EngineStop, SessionEngine } from "./engine.ts";
import { DrainWaiters } from "./output.ts";

/** After a write, fewer queued messages than this wait one event-loop turn for more. */
const YIELD_BELOW = 256;
/** How long a failing engine waits for its last words (an ERROR command, a close frame) to be written. */
const LAST_WORDS_MS = 500;

/** The shared half of an engine; see the module documentation. */
export abstract class EngineBase implements SessionEngine {
  /** The pipe this engine serves, once its peer is known. */
  protected pipe: Pipe | null = null;
  /** Set once, when the engine ends. */
  protected stopped = false;
  private flushing = false;
  /** Messages queued when the write in progress was started. */
  private queuedAtFlush = 0;
  private resumeReading: (() => void) | null = null;
  /** Waiters for "everything queued so far is written"; used to linger. */
  private readonly drainWaiters = new DrainWaiters();

  /**
   * Wait one event-loop turn after a write that left few messages queued,
   * so a producer in a send loop can fill the queue first: fewer, larger
   * writes. Off for engines whose writes must not be delayed.
   */
  protected yieldAfterWrite = true;

  /** @param handler the session that owns this engine */
  constructor(protected readonly handler: EngineHandler) {}

  /** The peer's address, for events. */
  abstract readonly address: string;
  /** Starts the engine; the outcome goes to its handler. */
  abstract start(): void;
  /** Closes the connection now (our decision: not reported as a disconnection). */
  abstract close(): void;
  /**
   * Takes what is queued (our commands, then messages, up to a batch) and
   * starts writing it; the promise settles when that write is done (see
   * {@link batchWritten}). Null when nothing is queued: no promise is made
   * for an empty batch.
   */
  protected abstract writeBatch(): Promise<unknown> | null;
  /** Closes the transport under the engine (errors ignored by the caller). */
  protected abstract closeTransport(): void;
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
    pipe.inbound.onSpace = this.wakeReadLoop;
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

  private wakeReadLoop = (): void => {
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

  /**
   * Starts the next write: the rest of the batch being written, else a new
   * batch; ends the flush when nothing is queued. The write's own promise
   * is the only one per write: the callbacks are made once per engine.
   */
  private flush = (): void => {
    if (this.stopped) return this.endFlush();
    this.queuedAtFlush = this.pipe === null ? 0 : this.pipe.outbound.length;
    let writing: Promise<unknown> | null;
    try {
      writing = this.writeBatch();
    } catch (err) {
      return this.writeError(err);
    }
    if (writing === null) return this.endFlush();
    writing.then(this.written, this.writeError);
  };

  private written = (result: unknown): void => {
    if (this.stopped) return this.endFlush();
    if (!this.batchWritten(result)) return this.flush();
    // A write to a local socket completes at once, so without a pause the
    // next batch would hold only what the producer queued in the few
    // microtasks since: many small writes. One event-loop turn lets a
    // producer in a send loop fill its queue (up to the high-water mark)
    // first, also when it is empty now (a publisher between bursts). A lone
    // message (a request, its reply, one message to each of many peers)
    // waits for nothing: with nothing queued behind it the flush ends, and
    // the next message starts one at once.
    const queued = this.pipe === null ? 0 : this.pipe.outbound.length;
    const lone = queued === 0 && this.queuedAtFlush <= 1;
    if (this.yieldAfterWrite && !lone && queued < YIELD_BELOW) onNextTurn(this.flush);
    else this.flush();
  };

  private writeError = (error: unknown): void => {
    this.flushing = false;
    this.writeFailed(error);
  };

  private endFlush(): void {
    this.flushing = false;
    if (!this.hasPendingOutput) this.drainWaiters.release();
  }

  /**
   * Records a finished write of {@link writeBatch} (with what its promise
   * resolved to); false when the batch has more to write, which the next
   * call to {@link writeBatch} continues. By default a batch is one write.
   */
  protected batchWritten(_result: unknown): boolean {
    return true;
  }

  /** Writes what is queued (the last words of a failing engine), waiting at most LAST_WORDS_MS. */
  protected async flushLastWords(): Promise<void> {
    this.scheduleFlush();
    let timer: Timer | undefined;
    await Promise.race([
      this.drained(),
      new Promise((resolve) => timer = setTimeout(resolve, LAST_WORDS_MS)),
    ]);
    clearTimeout(timer);
  }

  /**
   * Tears down and tells the handler how a ZMTP-speaking engine ended: after
   * its handshake or not, by request or not, and why (a closed connection
   * is no error). The caller has set {@link stopped} and cleared its timers.
   */
  protected reportStop(wasReady: boolean, error: unknown, requested: boolean): void {
    this.teardown();
    const stop: EngineStop = { wasReady, requested };
    if (error !== undefined && !isClosedError(error)) stop.error = error;
    if (!wasReady && !requested) stop.handshakeFailure = handshakeFailureOf(stop.error);
    this.handler.onStopped(this, stop);
  }

  /**
   * Closes the connection and lets go of the pipe's notifications; wakes a
   * paused reader and everyone waiting for the output to drain. The caller
   * has set {@link stopped} and then tells its handler.
   */
  protected teardown(): void {
    try {
      this.closeTransport();
    } catch { /* already closed */ }
    const pipe = this.pipe;
    if (pipe !== null) {
      pipe.outbound.onData = null;
      pipe.inbound.onSpace = null;
    }
    this.wakeReadLoop();
    this.drainWaiters.release();
  }
}

/**
 * The kind of a handshake that ended with `error` (undefined: the connection
 * dropped), as libzmq reports it: a timeout or a lost connection is "other";
 * a peer that broke the protocol is "protocol".
 */
export function handshakeFailureOf(error: unknown): HandshakeFailure {
  if (error instanceof HandshakeError) return error.kind;
  return error === undefined ? "other" : "protocol";
}
