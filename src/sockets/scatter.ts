/**
 * SCATTER: libzmq's draft ZMQ_SCATTER, a single-frame PUSH.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { SocketBase } from "../socket.ts";
import { singleFrame } from "./single_frame.ts";

/** Options of a {@link Scatter} socket. */
export type ScatterOptions = SocketOptions;

/**
 * Hands each message to the next `Gather` peer in turn (round robin over
 * the peers below their high-water mark; waits while all are full).
 * Messages are single frames: a multipart `send` rejects with `EINVAL`.
 * It cannot receive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Gather, Scatter } from "@zmtp/zmq";
 * const scatter = new Scatter();
 * await scatter.bind("inproc://scatter-doc");
 * const gather = new Gather();
 * gather.connect("inproc://scatter-doc");
 * await scatter.send("task 1"); // each connected Gather gets its share
 * const [task] = await gather.receive();
 * assert.equal(new TextDecoder().decode(task), "task 1");
 * gather.close();
 * scatter.close();
 * ```
 */
export class Scatter extends SocketBase {
  private readonly lb = new LoadBalancer();

  /** Creates a SCATTER socket. */
  constructor(options?: Partial<ScatterOptions>) {
    super("SCATTER", options);
  }

  /** @internal A new peer takes its turn. */
  protected xAttach(pipe: Pipe): void {
    this.lb.attach(pipe);
  }

  /** @internal A peer went away. */
  protected xTerminated(pipe: Pipe): void {
    this.lb.detach(pipe);
  }

  /** @internal A peer has room again. */
  protected override xWritable(pipe: Pipe): void {
    this.lb.activate(pipe);
  }

  /** @internal Round robin; waits while every peer is full. */
  protected override xSend(msg: Message): boolean {
    singleFrame(msg, "SCATTER");
    return this.lb.send(msg);
  }
}
