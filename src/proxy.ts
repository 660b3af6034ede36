/**
 * libzmq's steerable proxy (zmq_proxy_steerable): moves messages between a
 * frontend and a backend socket in both directions that the socket types
 * allow, copies each to an optional capture socket, and obeys PAUSE,
 * RESUME, TERMINATE and STATISTICS on an optional control socket.
 *
 * @module
 */

import { nextTurn } from "./timer.ts";
import type { Message } from "./message.ts";
import { type SocketBase, type SocketCore, socketCore } from "./socket.ts";
import { canReceive, canSend } from "./wire/socket_types.ts";

/** Options of {@link proxy}. */
export interface ProxyOptions {
  /**
   * Receives a copy of every message the proxy forwards, in either
   * direction, before it is forwarded. As in libzmq, a capture socket that
   * blocks (a PUSH at its high-water mark) holds the proxy up: use a
   * PUB, or a socket whose peer keeps up.
   */
  capture?: SocketBase;
  /**
   * Steers the proxy with single-frame commands: `PAUSE` stops forwarding
   * (messages wait in the sockets' queues, and their high-water marks push
   * back on the senders), `RESUME` restarts it, `TERMINATE` ends the proxy,
   * and `STATISTICS` is answered on the control socket with eight frames of
   * 8 bytes each, unsigned 64-bit little-endian: frames received by the
   * frontend, their bytes, frames sent by the frontend, their bytes, then
   * the same four for the backend (libzmq 4.3.5 counts frames, not whole
   * messages; see {@link ProxyStatistics}). Unknown commands are ignored.
   * A `Reply` control socket gets an empty reply to every other command,
   * so that a `Request` can steer it (libzmq does the same).
   */
  control?: SocketBase;
  /** Ends the proxy when aborted. */
  signal?: AbortSignal;
  /**
   * Counters the proxy updates as it forwards, readable at any time
   * without a control socket (e.g. for a periodic stats line).
   */
  statistics?: ProxyStatistics;
}

/** What one side (frontend or backend) of a proxy received and sent. */
export class ProxySideStatistics {
  /** Whole (multipart) messages received. */
  messagesIn = 0;
  /** Frames received (libzmq's STATISTICS "messages"). */
  framesIn = 0;
  /** Payload bytes received. */
  bytesIn = 0;
  /** Whole messages sent. */
  messagesOut = 0;
  /** Frames sent. */
  framesOut = 0;
  /** Payload bytes sent. */
  bytesOut = 0;
}

/**
 * The live counters of a running {@link proxy}. Pass one in
 * {@link ProxyOptions.statistics} to read them from the same process; the
 * control socket's `STATISTICS` reports the frame and byte counts of the
 * same object.
 *
 * @example
 * ```ts
 * import { proxy, ProxyStatistics, XPublisher, XSubscriber } from "@zmtp/zmq";
 * const xsub = new XSubscriber();
 * const xpub = new XPublisher();
 * await xsub.bind("tcp://127.0.0.1:*");
 * await xpub.bind("tcp://127.0.0.1:*");
 * const statistics = new ProxyStatistics();
 * const stop = new AbortController();
 * const running = proxy(xsub, xpub, { statistics, signal: stop.signal });
 * console.log(`${statistics.backend.messagesOut} messages published so far`);
 * stop.abort();
 * await running;
 * xsub.close();
 * xpub.close();
 * ```
 */
export class ProxyStatistics {
  /** The frontend socket's counters. */
  readonly frontend: ProxySideStatistics = new ProxySideStatistics();
  /** The backend socket's counters. */
  readonly backend: ProxySideStatistics = new ProxySideStatistics();

  /** The eight STATISTICS frames, in libzmq's order and byte order. */
  toFrames(): Uint8Array[] {
    const f = this.frontend;
    const b = this.backend;
    const values = [
      f.framesIn,
      f.bytesIn,
      f.framesOut,
      f.bytesOut,
      b.framesIn,
      b.bytesIn,
      b.framesOut,
      b.bytesOut,
    ];
    return values.map((value) => {
      const frame = new Uint8Array(8);
      new DataView(frame.buffer).setBigUint64(0, BigInt(value), true);
      return frame;
    });
  }
}

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/**
 * Runs a proxy until `TERMINATE` arrives on `control`, `signal` aborts, or
 * the frontend, backend or control socket closes; then it resolves (the
 * caller closes the sockets). It rejects if a socket fails otherwise.
 *
 * Back-pressure carries through: the proxy does not receive the next
 * message before the previous one was queued on the other side, so a slow
 * backend slows the frontend down instead of growing memory (for socket
 * types that block at their high-water mark; PUB and XPUB drop instead, as
 * in libzmq, and count what they drop in `droppedMessages`). The sockets'
 * `receiveTimeout`/`sendTimeout` do not stop the proxy: it keeps waiting,
 * as libzmq's poll-driven proxy does.
 *
 * The three classic devices:
 * - QUEUE: `proxy(router, dealer)` between REQ clients and REP workers;
 * - FORWARDER: `proxy(xsub, xpub)` between publishers and subscribers
 *   (subscriptions travel back from the XPUB to the XSUB);
 * - STREAMER: `proxy(pull, push)` in a pipeline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { proxy, Pull, Push } from "@zmtp/zmq";
 * const frontend = new Pull();
 * const backend = new Push();
 * await frontend.bind("inproc://tasks-in");
 * await backend.bind("inproc://tasks-out");
 * const stop = new AbortController();
 * const running = proxy(frontend, backend, { signal: stop.signal });
 * const producer = new Push();
 * producer.connect("inproc://tasks-in");
 * const worker = new Pull();
 * worker.connect("inproc://tasks-out");
 * await producer.send("task 1");
 * const [task] = await worker.receive();
 * assert.equal(new TextDecoder().decode(task), "task 1");
 * stop.abort();
 * await running;
 * for (const socket of [producer, worker, frontend, backend]) socket.close();
 * ```
 *
 * @throws {ZmqError} The returned promise rejects with the error a socket
 * raised while forwarding (any but a timeout), e.g. `ETERM` from a socket
 * closed under a `send`.
 */
export async function proxy(
  frontend: SocketBase,
  backend: SocketBase,
  options: ProxyOptions = {},
): Promise<void> {
  const stop = new AbortController();
  const statistics = options.statistics ?? new ProxyStatistics();
  const gate = new PauseGate();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  const { capture } = options;
  const front = statistics.frontend;
  const back = statistics.backend;
  const pumps: Promise<void>[] = [];
  if (canReceive(frontend.type) && canSend(backend.type)) {
    pumps.push(pump(frontend, backend, front, back, gate, capture, stop.signal));
  }
  // One socket as both ends (libzmq allows it): one loop serves both directions.
  if (backend !== frontend && canReceive(backend.type) && canSend(frontend.type)) {
    pumps.push(pump(backend, frontend, back, front, gate, capture, stop.signal));
  }
  if (options.control !== undefined) {
    pumps.push(steer(options.control, gate, statistics, stop));
  }
  try {
    // Whichever loop ends first (terminate, abort, a closed socket) ends them all.
    await Promise.race(pumps.map((p) => p.finally(() => stop.abort())));
    await Promise.allSettled(pumps);
  } finally {
    gate.resume();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** True for a socket's timeout, which the proxy waits through. */
function isTimeout(err: unknown): boolean {
  return (err as { code?: string })?.code === "EAGAIN";
}

/**
 * Messages forwarded without waiting before the pump yields to the event
 * loop (libzmq forwards bursts of 1000). Within a burst nothing awaits, so
 * the engines flush each burst in one write per peer; between bursts their
 * I/O runs, and a subscriber's queue is not flooded faster than it drains.
 */
const BURST = 256;

/** Forwards messages from one socket to the other until stopped. */
async function pump(
  from: SocketBase,
  to: SocketBase,
  received: ProxySideStatistics,
  sent: ProxySideStatistics,
  gate: PauseGate,
  capture: SocketBase | undefined,
  signal: AbortSignal,
): Promise<void> {
  let burst = 0;
  const source = socketCore(from);
  const target = socketCore(to);
  const tap = capture === undefined ? undefined : socketCore(capture);
  while (!signal.aborted) {
    let msg: Message | undefined;
    if (burst === BURST) {
      burst = 0;
      await nextTurn();
      continue;
    }
    try {
      // Pausing aborts a receive in progress, so nothing moves while paused.
      msg = gate.paused ? undefined : source.tryReceive();
      if (msg === undefined) {
        burst = 0;
        await gate.passed(signal);
        msg = await from.receive({ signal: gate.running(signal) });
      }
    } catch (err) {
      if (signal.aborted || from.closed) return;
      if (gate.paused || isTimeout(err)) continue;
      throw err;
    }
    burst++;
    // Counted before sending: a ROUTER takes the routing id frame off the array it sends.
    const frames = msg.length;
    let bytes = 0;
    for (let i = 0; i < frames; i++) bytes += msg[i].length;
    received.messagesIn++;
    received.framesIn += frames;
    received.bytesIn += bytes;
    if (capture !== undefined && !capture.closed) {
      // Its own array: an inproc reader may change the one it is given.
      const copy = msg.slice();
      if (!trySend(capture, tap!, copy) && !await deliver(capture, copy, signal)) return;
    }
    if (!trySend(to, target, msg) && !await deliver(to, msg, signal)) return;
    sent.messagesOut++;
    sent.framesOut += frames;
    sent.bytesOut += bytes;
  }
}

/** Queues at once if `to` can; false when it must wait (or is closed: `deliver` tells). */
function trySend(to: SocketBase, core: SocketCore, msg: Message): boolean {
  if (to.closed) return false;
  return core.trySend(msg);
}

/** Sends, waiting through send timeouts; false when the proxy stopped or `to` closed. */
async function deliver(to: SocketBase, msg: Message, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    try {
      await to.send(msg, { signal });
      return true;
    } catch (err) {
      if (signal.aborted || to.closed) return false;
      if (!isTimeout(err)) throw err;
    }
  }
}

/** Obeys commands on the control socket. */
async function steer(
  control: SocketBase,
  gate: PauseGate,
  statistics: ProxyStatistics,
  stop: AbortController,
): Promise<void> {
  // libzmq answers a REP control socket's every command, so a REQ can steer.
  const mustReply = control.type === "REP";
  while (!stop.signal.aborted) {
    let msg: Message;
    try {
      msg = await control.receive({ signal: stop.signal });
    } catch (err) {
      if (stop.signal.aborted || control.closed) return;
      if (isTimeout(err)) continue;
      throw err;
    }
    const command = msg.length === 1 ? decoder.decode(msg[0]) : "";
    if (command === "STATISTICS") {
      await control.send(statistics.toFrames()).catch(() => {});
      continue;
    }
    if (command === "PAUSE") gate.pause();
    else if (command === "RESUME") gate.resume();
    else if (command === "TERMINATE") stop.abort();
    // Anything else is ignored, as by libzmq 4.3.5 (4.3.4 asserted).
    if (mustReply) await control.send(EMPTY).catch(() => {});
  }
}

/** PAUSE/RESUME: forwarding waits at the gate while paused. */
class PauseGate {
  private waiting: Promise<void> | null = null;
  private open: (() => void) | null = null;
  /** Aborted by the next PAUSE; renewed at each RESUME. */
  private epoch = new AbortController();
  private combined: { stop: AbortSignal; signal: AbortSignal } | null = null;

  get paused(): boolean {
    return this.waiting !== null;
  }

  /** A signal that aborts on `stop` or on the next PAUSE (made once per epoch, not per message). */
  running(stop: AbortSignal): AbortSignal {
    const combined = this.combined;
    if (combined !== null && combined.stop === stop) return combined.signal;
    const signal = AbortSignal.any([stop, this.epoch.signal]);
    this.combined = { stop, signal };
    return signal;
  }

  pause(): void {
    if (this.waiting !== null) return;
    this.waiting = new Promise((resolve) => this.open = resolve);
    this.epoch.abort();
    this.epoch = new AbortController();
    this.combined = null;
  }

  resume(): void {
    const open = this.open;
    this.waiting = null;
    this.open = null;
    open?.();
  }

  /** Resolves at once unless paused; then when resumed or `signal` aborts. */
  passed(signal: AbortSignal): Promise<void> | void {
    const waiting = this.waiting;
    if (waiting === null) return;
    return new Promise((resolve) => {
      const onAbort = () => resolve();
      signal.addEventListener("abort", onAbort, { once: true });
      waiting.then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }
}
