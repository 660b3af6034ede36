/**
 * Monitor events (libzmq's zmq_socket_monitor, with zeromq.js's names).
 *
 * @module
 */

/**
 * The kinds of monitor event, reported when libzmq reports them:
 *
 * - `bind` / `bind:error`: a `bind` succeeded / failed (with `error`).
 * - `accept` / `accept:error`: a bound endpoint accepted a connection /
 *   failed to (with `error`, e.g. out of file descriptors); accepting goes on.
 * - `connect`: a connection to a connected endpoint is established (before
 *   its handshake).
 * - `connect:delay`: a connection attempt failed (with `error`). libzmq
 *   also reports attempts still in progress; we report only failed ones.
 * - `close`: a bound endpoint stopped listening (unbind, close), or the
 *   socket of a failed connection attempt was closed.
 * - `connect:retry`: the next attempt is in `interval` ms.
 * - `handshake`: a connection completed its ZMTP handshake.
 * - `handshake:error:protocol` / `:auth` / `:other`: a connection ended
 *   before its handshake completed, because the peer broke the protocol /
 *   failed authentication / for another reason (timeout, connection lost);
 *   a `disconnect` follows.
 * - `disconnect`: a connection ended on its own (the peer left, an error, a
 *   heartbeat timeout, a message over `maxMessageSize`), with `error` when
 *   there was one. Connections our side closes are not reported.
 */
export type SocketEventType =
  | "bind"
  | "bind:error"
  | "accept"
  | "accept:error"
  | "connect"
  | "connect:delay"
  | "connect:retry"
  | "disconnect"
  | "close"
  | "handshake"
  | "handshake:error:protocol"
  | "handshake:error:auth"
  | "handshake:error:other";

/**
 * One monitor event. `address` is the endpoint concerned; `interval` comes
 * with `connect:retry` (ms until the next attempt); `error` with the error
 * kinds; `peer` with events about one connection (the peer's address).
 */
export interface SocketEvent {
  type: SocketEventType;
  address: string;
  interval?: number;
  error?: Error;
  peer?: string;
}

/** Events kept for a slow reader before the oldest are dropped. */
const MAX_BUFFERED_EVENTS = 1000;

/**
 * A socket's event stream. Nothing is recorded until someone reads the
 * socket's `events` property, so an unobserved socket pays nothing; an observed one keeps at
 * most {@link MAX_BUFFERED_EVENTS} unread events.
 */
export class EventStream implements AsyncIterable<SocketEvent> {
  private buffer: SocketEvent[] = [];
  private waiters: ((result: IteratorResult<SocketEvent>) => void)[] = [];
  private observed = false;
  private ended = false;

  /** Records an event if anyone is listening. */
  emit(event: SocketEvent): void {
    if (!this.observed || this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter({ value: event, done: false });
      return;
    }
    if (this.buffer.length >= MAX_BUFFERED_EVENTS) this.buffer.shift();
    this.buffer.push(event);
  }

  /** Starts recording: called when the socket's `events` property is read. */
  observe(): this {
    this.observed = true;
    return this;
  }

  /** True when someone iterates the events (callers may skip building events otherwise). */
  get active(): boolean {
    return this.observed && !this.ended;
  }

  /** Ends every iteration once the buffered events are read. */
  end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    this.observed = true;
    return {
      next: (): Promise<IteratorResult<SocketEvent>> => {
        const event = this.buffer.shift();
        if (event !== undefined) return Promise.resolve({ value: event, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
      return: (): Promise<IteratorResult<SocketEvent>> => {
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
