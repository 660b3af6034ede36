/**
 * Load-balancing (RFC 28 and libzmq's lb_t): each message goes to the next
 * peer, in turn, that has room below its high-water mark. Peers at their
 * high-water mark are skipped until their queue drains.
 *
 * @module
 */

import type { Pipe, PipeItem } from "../pipe/pipe.ts";

/** Round-robin writer over the pipes with room. */
export class LoadBalancer {
  private readonly active: Pipe[] = [];
  private current = 0;
  /** The pipe the last message went to (REQ waits for its reply there). */
  lastPipe: Pipe | null = null;

  /** Starts sending to a new pipe. */
  attach(pipe: Pipe): void {
    this.activate(pipe);
  }

  /** The pipe has room again. */
  activate(pipe: Pipe): void {
    if (!pipe.detached && !this.active.includes(pipe)) this.active.push(pipe);
  }

  /** Stops sending to a pipe. */
  detach(pipe: Pipe): void {
    const index = this.active.indexOf(pipe);
    if (index >= 0) this.remove(index);
    if (this.lastPipe === pipe) this.lastPipe = null;
  }

  /** True when some pipe has room. */
  get hasRoom(): boolean {
    return this.active.length > 0;
  }

  /**
   * Queues the message on the next pipe with room; false when every pipe is
   * full (or there is none), in which case the caller waits.
   */
  send(msg: PipeItem): boolean {
    const active = this.active;
    while (active.length > 0) {
      if (this.current >= active.length) this.current = 0;
      const pipe = active[this.current];
      if (pipe.write(msg)) {
        this.lastPipe = pipe;
        this.current++;
        return true;
      }
      this.remove(this.current);
    }
    return false;
  }

  private remove(index: number): void {
    this.active.splice(index, 1);
    if (this.current > index) this.current--;
  }
}
