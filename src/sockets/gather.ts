/**
 * GATHER: libzmq's draft ZMQ_GATHER, a single-frame PULL.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { SocketBase } from "../socket.ts";
import { receiveSingle } from "./single_frame.ts";

/** Options of a {@link Gather} socket. */
export type GatherOptions = SocketOptions;

/**
 * Receives from every `Scatter` peer in fair order, so none starves the
 * others. Messages are single frames. It cannot send.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Gather, Scatter } from "@zmtp/zmq";
 * const gather = new Gather();
 * await gather.bind("inproc://gather-doc");
 * const scatter = new Scatter();
 * scatter.connect("inproc://gather-doc");
 * await scatter.send("result 1");
 * const [result] = await gather.receive();
 * assert.equal(new TextDecoder().decode(result), "result 1");
 * scatter.close();
 * gather.close();
 * ```
 */
export class Gather extends SocketBase {
  private readonly fq = new FairQueue();

  /** Creates a GATHER socket. */
  constructor(options?: Partial<GatherOptions>) {
    super("GATHER", options);
  }

  /** @internal A new peer is read in turn. */
  protected xAttach(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  /** @internal A peer went away (what it sent is still read). */
  protected xTerminated(_pipe: Pipe): void {}

  /** @internal A peer has messages. */
  protected override xReadable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** @internal The next message in fair order. */
  protected override xRecv(): Message | undefined {
    return receiveSingle(this.fq);
  }
}
