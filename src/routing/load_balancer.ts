/**
 * Load-balancing (RFC 28 and libzmq's lb_t): each message goes to the next
 * peer, in turn, that has room below its high-water mark. Peers at their
 * high-water mark are skipped until their queue drains.
 *
 * The pipes with room form a ring in the order they became writable, with a
 * marker between the last and the first, so joining, leaving and sending
 * cost the same with 10 peers or 10,000.
 *
 * @module
 */

import type { Pipe, PipeItem } from "../pipe/pipe.ts";

/** A place in the ring: a pipe, or the marker after the last one (`pipe` null). */
interface Slot {
  pipe: Pipe | null;
  prev: Slot;
  next: Slot;
}

/** Round-robin writer over the pipes with room. */
export class LoadBalancer {
  /** The marker: its `next` is the first pipe, its `prev` the last. */
  private readonly end: Slot;
  private readonly slots = new Map<Pipe, Slot>();
  /** The slot the next message tries first (the marker: start again from the first). */
  private current: Slot;
  /** The pipe the last message went to (REQ waits for its reply there). */
  lastPipe: Pipe | null = null;

  constructor() {
    const end = { pipe: null } as Slot;
    end.prev = end.next = end;
    this.end = end;
    this.current = end;
  }

  /** Starts sending to a new pipe. */
  attach(pipe: Pipe): void {
    this.activate(pipe);
  }

  /** The pipe has room again: it joins the ring after the last pipe. */
  activate(pipe: Pipe): void {
    if (pipe.detached || this.slots.has(pipe)) return;
    const end = this.end;
    const slot: Slot = { pipe, prev: end.prev, next: end };
    end.prev.next = slot;
    end.prev = slot;
    this.slots.set(pipe, slot);
    // A send that ran past the last pipe tries the newcomer next.
    if (this.current === end) this.current = slot;
  }

  /** Stops sending to a pipe. */
  detach(pipe: Pipe): void {
    const slot = this.slots.get(pipe);
    if (slot !== undefined) this.remove(slot);
    if (this.lastPipe === pipe) this.lastPipe = null;
  }

  /** True when some pipe has room. */
  get hasRoom(): boolean {
    return this.end.next !== this.end;
  }

  /**
   * Queues the message on the next pipe with room; false when every pipe is
   * full (or there is none), in which case the caller waits.
   */
  send(msg: PipeItem): boolean {
    const end = this.end;
    while (end.next !== end) {
      let slot = this.current;
      if (slot.pipe === null) slot = this.current = slot.next;
      const pipe = slot.pipe!;
      if (pipe.write(msg)) {
        this.lastPipe = pipe;
        this.current = slot.next;
        return true;
      }
      this.remove(slot);
    }
    return false;
  }

  /** Unlinks a slot; a send that would have tried it tries the one after. */
  private remove(slot: Slot): void {
    slot.prev.next = slot.next;
    slot.next.prev = slot.prev;
    if (this.current === slot) this.current = slot.next;
    this.slots.delete(slot.pipe!);
  }
}
