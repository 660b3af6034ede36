/**
 * CLIENT (RFC 41): the asking side of client-server, libzmq's draft
 * ZMQ_CLIENT.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { SocketBase } from "../socket.ts";
import { receiveSingle, singleFrame } from "./single_frame.ts";

/** Options of a {@link Client} socket. */
export type ClientOptions = SocketOptions;

/**
 * Talks to one or more `Server`s: each message goes to the next server in
 * turn, replies come back from all of them in fair order. Messages are
 * single frames; a multipart `send` rejects with `EINVAL`. Unlike
 * `Request` there is no lock-step: send and receive in any order.
 *
 * @example
 * ```ts
 * import { Client } from "@zmtp/zmq";
 * const client = new Client();
 * client.connect("tcp://127.0.0.1:5570");
 * await client.send("ping");
 * // const [reply] = await client.receive();
 * client.close();
 * ```
 */
export class Client extends SocketBase {
  private readonly lb = new LoadBalancer();
  private readonly fq = new FairQueue();

  /** Creates a CLIENT socket. */
  constructor(options?: Partial<ClientOptions>) {
    super("CLIENT", options);
  }

  /** @internal A new server: send to it and read from it. */
  protected xAttach(pipe: Pipe): void {
    this.lb.attach(pipe);
    this.fq.attach(pipe);
  }

  /** @internal A server went away (what it sent is still read). */
  protected xTerminated(pipe: Pipe): void {
    this.lb.detach(pipe);
  }

  /** @internal A server has replies. */
  protected override xReadable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** @internal A server has room again. */
  protected override xWritable(pipe: Pipe): void {
    this.lb.activate(pipe);
  }

  /** @internal Round robin over the servers with room; waits while none has. */
  protected override xSend(msg: Message): boolean {
    singleFrame(msg, "CLIENT");
    return this.lb.send(msg);
  }

  /** @internal The next reply in fair order. */
  protected override xRecv(): Message | undefined {
    return receiveSingle(this.fq);
  }
}
