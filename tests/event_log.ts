/** Records a socket's monitor events so tests can wait for one of a kind. */

import type { SocketEvent, SocketEventType } from "../mod.ts";
import { within } from "./helpers.ts";

/** Something with monitor events (every socket). */
interface Observable {
  readonly events: AsyncIterable<SocketEvent>;
}

/** Every event a socket emits from now until it closes. */
export class EventLog {
  readonly events: SocketEvent[] = [];
  private waiters: { type: SocketEventType; resolve: (e: SocketEvent) => void }[] = [];

  /** Starts recording (before connect/bind, so nothing is missed). */
  constructor(socket: Observable) {
    this.record(socket.events);
  }

  private async record(events: AsyncIterable<SocketEvent>): Promise<void> {
    for await (const event of events) {
      this.events.push(event);
      const ready = this.waiters.filter((w) => w.type === event.type);
      this.waiters = this.waiters.filter((w) => w.type !== event.type);
      for (const waiter of ready) waiter.resolve(event);
    }
  }

  /** The first event of this type, waiting up to `ms` for it. */
  waitFor(type: SocketEventType, ms = 5000): Promise<SocketEvent> {
    const seen = this.events.find((e) => e.type === type);
    if (seen !== undefined) return Promise.resolve(seen);
    return within(ms, new Promise((resolve) => this.waiters.push({ type, resolve })), type);
  }

  /** True when an event of this type was recorded. */
  has(type: SocketEventType): boolean {
    return this.events.some((e) => e.type === type);
  }
}
