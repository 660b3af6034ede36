/**
 * What the draft socket types share: they move single-frame messages only
 * (libzmq refuses ZMQ_SNDMORE on them and drops multipart messages a peer
 * sends them).
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { FairQueue } from "../routing/fair_queue.ts";

/** The one frame of an outgoing message; a multipart message is `EINVAL`, as in libzmq. */
export function singleFrame(msg: Message, type: string): Uint8Array {
  if (msg.length !== 1) {
    throw zmqError("EINVAL", `${type} sockets send single-frame messages only`);
  }
  return msg[0];
}

/**
 * The next single-frame message in fair order; multipart messages from a
 * (non-libzmq) peer are dropped, as libzmq's draft sockets drop them.
 */
export function receiveSingle(fq: FairQueue): Message | undefined {
  for (;;) {
    const msg = fq.receive();
    if (msg === undefined || msg.length === 1) return msg;
  }
}
