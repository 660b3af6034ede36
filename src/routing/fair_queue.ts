/**
 * Fair-queuing (RFC 28 and libzmq's fq_t): take one message from each peer
 * that has one, in turn, so no peer can starve the others.
 *
 * Only pipes that may hold messages are visited: a pipe joins the active
 * list when its queue goes from empty to non-empty and leaves it when found
 * empty, so a receive costs the same with 10 peers or 10,000.
 *
 * @module
 */

import type { Pipe, PipeItem } from "../pipe/pipe.ts";

/** Round-robin reader over the active pipes. */
export class FairQueue {
  private readonly active: Pipe[] = [];
  private current = 0;
  /** The pipe the last message came from (ROUTER prefixes its id; XPUB routes to it). */
  lastPipe: Pipe | null = null;

  /** Starts reading from a new pipe. */
  attach(pipe: Pipe): void {
    if (pipe.inbound.length > 0) this.activate(pipe);
  }

  /** The pipe's queue went from empty to non-empty. */
  activate(pipe: Pipe): void {
    // A flag on the pipe instead of a search: inproc activates once per message.
    if (pipe.readActive) return;
    pipe.readActive = true;
    this.active.push(pipe);
  }

  /** Stops reading from a pipe, dropping what it still holds. */
  detach(pipe: Pipe): void {
    const index = this.active.indexOf(pipe);
    if (index >= 0) this.remove(index);
    if (this.lastPipe === pipe) this.lastPipe = null;
  }

  /** True when some pipe may hold a message. */
  get hasMessages(): boolean {
    const active = this.active;
    for (let i = 0; i < active.length; i++) if (active[i].inbound.length > 0) return true;
    return false;
  }

  /** The next message in fair order, or undefined when every pipe is empty. */
  receive(): PipeItem | undefined {
    const active = this.active;
    while (active.length > 0) {
      if (this.current >= active.length) this.current = 0;
      const pipe = active[this.current];
      const msg = pipe.read();
      if (msg !== undefined) {
        this.lastPipe = pipe;
        this.current++;
        return msg;
      }
      this.remove(this.current);
    }
    return undefined;
  }

  private remove(index: number): void {
    const active = this.active;
    active[index].readActive = false;
    // Moved down by hand: splice would make an array of the removed pipe,
    // and a peer that sends one request at a time leaves the list after each.
    const last = active.length - 1;
    for (let i = index; i < last; i++) active[i] = active[i + 1];
    active.pop();
    if (this.current > index) this.current--;
  }
}
