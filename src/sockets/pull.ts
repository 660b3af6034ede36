/**
 * PULL (RFC 30): receives from its peers fairly; cannot send.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { SocketBase } from "../socket.ts";

/** Options of a {@link Pull} socket. */
export type PullOptions = SocketOptions;

/**
 * The receiving end of a pipeline: messages from all PUSH peers, taken in
 * turn so that no peer starves the others.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pull, Push } from "@zmtp/zmq";
 * const pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * const push = new Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send("resize image 7");
 * for await (const [task] of pull) {
 *   assert.equal(new TextDecoder().decode(task), "resize image 7");
 *   break;
 * }
 * push.close();
 * pull.close();
 * ```
 */
export class Pull extends SocketBase {
  private readonly fq = new FairQueue();

  /** Creates a PULL socket. */
  constructor(options?: Partial<PullOptions>) {
    super("PULL", options);
  }

  /** @internal See {@link SocketBase}: a new peer. */
  protected xAttach(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  /** @internal See {@link SocketBase}: a peer went away. */
  protected xTerminated(_pipe: Pipe): void {
    // The fair queue keeps the pipe until its last message is read.
  }

  /** @internal See {@link SocketBase}: a peer has messages. */
  protected override xReadable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** @internal See {@link SocketBase}: the next incoming message. */
  protected override xRecv(): Message | undefined {
    return this.fq.receive();
  }
}
