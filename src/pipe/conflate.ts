/**
 * Which queues libzmq's ZMQ_CONFLATE applies to.
 *
 * libzmq honours it on PUSH, PULL, PUB, SUB and DEALER only. It applies to
 * the queues that carry data: a SUB's subscriptions to its publishers (and
 * a PUB's from its subscribers) always go through whole, since conflating
 * them would forget every subscription but the last.
 *
 * @module
 */

import type { Pipe } from "./pipe.ts";

/** Which of a pipe's queues conflate. */
export interface ConflatedQueues {
  /** Messages from the peer. */
  readonly inbound: boolean;
  /** Messages to the peer. */
  readonly outbound: boolean;
}

const SENDING = { inbound: false, outbound: true } as const;
const RECEIVING = { inbound: true, outbound: false } as const;

const DATA_QUEUES: Readonly<Record<string, ConflatedQueues>> = {
  PUSH: SENDING,
  PUB: SENDING,
  PULL: RECEIVING,
  SUB: RECEIVING,
  DEALER: { inbound: true, outbound: true },
};

/** The queues `conflate` applies to on a socket type; undefined where libzmq does not honour it. */
export function conflatedQueues(socketType: string): ConflatedQueues | undefined {
  return DATA_QUEUES[socketType];
}

/** Turns conflation on for the queues of `pipe` that carry `socketType`'s data. */
export function conflatePipe(pipe: Pipe, socketType: string): void {
  const queues = conflatedQueues(socketType);
  if (queues === undefined) return;
  if (queues.inbound) pipe.inbound.conflate = true;
  if (queues.outbound) pipe.outbound.conflate = true;
}
