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
  /** What happened. */
  type: SocketEventType;
  /** The endpoint concerned, as bound or connected. */
  address: string;
  /** With `connect:retry`: ms until the next attempt. */
  interval?: number;
  /** With the error kinds: what went wrong. */
  error?: Error;
  /** With events about one connection: the peer's address. */
  peer?: string;
}

/** Events kept for a slow reader before the oldest are dropped. */
const MAX_BUFFERED_EVENTS = 1000;

/** One iteration over the events: where it is in the log, and its waiting reader. */
interface Cursor {
  /** Absolute index of the next event this iteration reads. */
  position: number;
  waiter: ((result: IteratorResult<SocketEvent>) => void) | null;
}

const END: IteratorResult<SocketEvent> = { value: undefined, done: true };

/**
 * A socket's event stream. Nothing is recorded until someone reads the
 * socket's `events` property, so an unobserved socket pays nothing.
 *
 * Every iteration sees every event from the moment it starts, plus the
 * events recorded earlier that some iteration has not yet read (so
 * `const events = socket.events; await socket.bind(…); for await (… of events)`
 * sees the `bind`). Two loops over the same socket's events both see each
 * event. At most {@link MAX_BUFFERED_EVENTS} unread events are kept; a
 * reader that falls further behind misses the oldest.
 */
export class EventStream implements AsyncIterable<SocketEvent> {
  /** Events not yet read by every cursor; `log[0]` has absolute index `base`. */
  private log: SocketEvent[] = [];
  private base = 0;
  private readonly cursors = new Set<Cursor>();
  private observed = false;
  private ended = false;

  /** Records an event if anyone is listening. */
  emit(event: SocketEvent): void {
    if (!this.observed || this.ended) return;
    this.log.push(event);
    if (this.log.length > MAX_BUFFERED_EVENTS) {
      this.log.shift();
      this.base++;
    }
    const end = this.base + this.log.length;
    for (const cursor of this.cursors) {
      if (cursor.waiter === null) continue;
      const waiter = cursor.waiter;
      cursor.waiter = null;
      cursor.position = end;
      waiter({ value: event, done: false });
    }
    this.trim();
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

  /** Ends every iteration once its buffered events are read. */
  end(): void {
    this.ended = true;
    for (const cursor of this.cursors) {
      const waiter = cursor.waiter;
      cursor.waiter = null;
      waiter?.(END);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    this.observed = true;
    const cursor: Cursor = { position: this.base, waiter: null };
    this.cursors.add(cursor);
    const finish = (): IteratorResult<SocketEvent> => {
      this.cursors.delete(cursor);
      this.trim();
      return END;
    };
    return {
      next: (): Promise<IteratorResult<SocketEvent>> => {
        if (cursor.position < this.base) cursor.position = this.base;
        const index = cursor.position - this.base;
        if (index < this.log.length) {
          cursor.position++;
          const value = this.log[index];
          this.trim();
          return Promise.resolve({ value, done: false });
        }
        if (this.ended) return Promise.resolve(finish());
        return new Promise((resolve) => {
          cursor.waiter = (result) => resolve(result.done ? finish() : result);
        });
      },
      return: (): Promise<IteratorResult<SocketEvent>> => Promise.resolve(finish()),
    };
  }

  /** Drops the events every live iteration has read. */
  private trim(): void {
    if (this.cursors.size === 0) return;
    let lowest = Infinity;
    for (const cursor of this.cursors) lowest = Math.min(lowest, cursor.position);
    const read = lowest - this.base;
    if (read <= 0) return;
    this.log.splice(0, read);
    this.base = lowest;
  }
}
