/**
 * libzmq's steerable proxy (zmq_proxy_steerable): moves messages between a
 * frontend and a backend socket in both directions that the socket types
 * allow, copies each to an optional capture socket, and obeys PAUSE,
 * RESUME, TERMINATE and STATISTICS on an optional control socket.
 *
 * @module
 */

import { type Message, messageSize } from "./message.ts";
import type { SocketBase } from "./socket.ts";
import { canReceive, canSend } from "./wire/socket_types.ts";

/** Options of {@link proxy}. */
export interface ProxyOptions {
  /** Receives a copy of every message the proxy forwards, in either direction. */
  capture?: SocketBase;
  /**
   * Steers the proxy: a message `PAUSE` stops forwarding (messages wait in
   * the sockets' queues), `RESUME` restarts it, `TERMINATE` ends the proxy,
   * and `STATISTICS` is answered on the control socket with eight 64-bit
   * little-endian counters: frontend messages in, bytes in, messages out,
   * bytes out, then the same four for the backend (libzmq's order).
   */
  control?: SocketBase;
  /** Ends the proxy when aborted. */
  signal?: AbortSignal;
}

/** Messages and bytes seen on one side of the proxy. */
interface SideCounters {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

const decoder = new TextDecoder();

/**
 * Runs a proxy until `TERMINATE` arrives on `control`, `signal` aborts, or
 * the frontend or backend closes. Back-pressure carries through: the proxy
 * does not receive the next message before the previous one was queued on
 * the other side, so a slow backend slows the frontend down instead of
 * growing memory (for socket types that block at their high-water mark).
 *
 * The three classic devices:
 * - QUEUE: `proxy(router, dealer)` between REQ clients and REP workers;
 * - FORWARDER: `proxy(xsub, xpub)` between publishers and subscribers;
 * - STREAMER: `proxy(pull, push)` in a pipeline.
 *
 * @example
 * ```ts
 * import { proxy, Pull, Push } from "@zmtp/zmq";
 * const frontend = new Pull();
 * const backend = new Push();
 * await frontend.bind("tcp://127.0.0.1:5559");
 * await backend.bind("tcp://127.0.0.1:5560");
 * const stop = new AbortController();
 * const running = proxy(frontend, backend, { signal: stop.signal });
 * // ... later:
 * stop.abort();
 * await running;
 * frontend.close();
 * backend.close();
 * ```
 */
export async function proxy(
  frontend: SocketBase,
  backend: SocketBase,
  options: ProxyOptions = {},
): Promise<void> {
  const stop = new AbortController();
  const front: SideCounters = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };
  const back: SideCounters = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };
  const gate = new PauseGate();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  const pumps: Promise<void>[] = [];
  if (canReceive(frontend.type) && canSend(backend.type)) {
    pumps.push(pump(frontend, backend, front, back, gate, options.capture, stop.signal));
  }
  if (canReceive(backend.type) && canSend(frontend.type)) {
    pumps.push(pump(backend, frontend, back, front, gate, options.capture, stop.signal));
  }
  if (options.control !== undefined) {
    pumps.push(steer(options.control, gate, [front, back], stop));
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

/** Forwards messages from one socket to the other until stopped. */
async function pump(
  from: SocketBase,
  to: SocketBase,
  fromCounters: SideCounters,
  toCounters: SideCounters,
  gate: PauseGate,
  capture: SocketBase | undefined,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    await gate.passed(signal);
    let msg: Message;
    try {
      // Pausing aborts a receive in progress, so nothing moves while paused.
      msg = await from.receive({ signal: gate.running(signal) });
    } catch (err) {
      if (signal.aborted || from.closed) return;
      if (gate.paused) continue;
      throw err;
    }
    const size = messageSize(msg);
    fromCounters.messagesIn++;
    fromCounters.bytesIn += size;
    if (capture !== undefined && !capture.closed) await capture.send(msg).catch(() => {});
    try {
      await to.send(msg, { signal });
    } catch (err) {
      if (signal.aborted || to.closed) return;
      throw err;
    }
    toCounters.messagesOut++;
    toCounters.bytesOut += size;
  }
}

/** Obeys commands on the control socket. */
async function steer(
  control: SocketBase,
  gate: PauseGate,
  counters: SideCounters[],
  stop: AbortController,
): Promise<void> {
  while (!stop.signal.aborted) {
    let msg: Message;
    try {
      msg = await control.receive({ signal: stop.signal });
    } catch {
      return;
    }
    const command = decoder.decode(msg[0]);
    switch (command) {
      case "PAUSE":
        gate.pause();
        break;
      case "RESUME":
        gate.resume();
        break;
      case "TERMINATE":
        stop.abort();
        return;
      case "STATISTICS":
        await control.send(statistics(counters)).catch(() => {});
        break;
      default:
        // libzmq ignores unknown control commands.
        break;
    }
  }
}

function statistics(counters: SideCounters[]): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (const c of counters) {
    for (const value of [c.messagesIn, c.bytesIn, c.messagesOut, c.bytesOut]) {
      const frame = new Uint8Array(8);
      new DataView(frame.buffer).setBigUint64(0, BigInt(value), true);
      frames.push(frame);
    }
  }
  return frames;
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
      waiting.then(resolve);
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
}
