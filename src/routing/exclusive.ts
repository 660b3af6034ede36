/**
 * One peer at a time (PAIR, CHANNEL): the first pipe is the peer, later
 * ones are refused while it is attached, as libzmq's pair_t/channel_t do.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { Pipe } from "../pipe/pipe.ts";

/** The exclusive peer of a PAIR or CHANNEL socket. */
export class ExclusivePeer {
  private pipe: Pipe | null = null;
  /** A previous peer's pipe, still read until drained after it went away. */
  private draining: Pipe | null = null;

  /** Takes a new pipe as the peer; false when another peer holds the place (refuse it). */
  attach(pipe: Pipe): boolean {
    if (this.pipe !== null) return false;
    this.pipe = pipe;
    return true;
  }

  /** The peer went away; what it sent is still read. */
  terminated(pipe: Pipe): void {
    if (this.pipe !== pipe) return;
    this.pipe = null;
    if (pipe.inbound.length > 0) this.draining = pipe;
  }

  /** Queues a message for the peer; false when there is none or it is full. */
  send(msg: Message): boolean {
    return this.pipe !== null && this.pipe.write(msg);
  }

  /** The next message from the peer (a departed peer's leftovers first). */
  receive(): Message | undefined {
    if (this.draining !== null) {
      const msg = this.draining.read();
      if (msg !== undefined) return msg;
      this.draining = null;
    }
    return this.pipe?.read();
  }
}
