/**
 * PUSH (RFC 30): sends to its peers in turn (load-balancing); cannot receive.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { SocketBase } from "../socket.ts";

/** Options of a {@link Push} socket. */
export type PushOptions = SocketOptions;

/**
 * The sending end of a pipeline. Each message goes to one connected PULL
 * peer, round robin over those below their high-water mark; `send` waits
 * while every peer is full.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pull, Push } from "@zmtp/zmq";
 * const pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * const push = new Push({ linger: 1000 });
 * push.connect(pull.lastEndpoint!);
 * await push.send(["task", "42"]);
 * const [, task] = await pull.receive();
 * assert.equal(new TextDecoder().decode(task), "42");
 * push.close();
 * pull.close();
 * ```
 */
export class Push extends SocketBase {
  private readonly lb = new LoadBalancer();

  /** Creates a PUSH socket. */
  constructor(options?: Partial<PushOptions>) {
    super("PUSH", options);
  }

  /** @internal See {@link SocketBase}: a new peer. */
  protected xAttach(pipe: Pipe): void {
    this.lb.attach(pipe);
  }

  /** @internal See {@link SocketBase}: a peer went away. */
  protected xTerminated(pipe: Pipe): void {
    this.lb.detach(pipe);
  }

  /** @internal See {@link SocketBase}: a peer has room again. */
  protected override xWritable(pipe: Pipe): void {
    this.lb.activate(pipe);
  }

  /** @internal See {@link SocketBase}: routes an outgoing message. */
  protected override xSend(msg: Message): boolean {
    return this.lb.send(msg);
  }
}
