/**
 * CLIENT (RFC 41): the asking side of client-server, libzmq's draft
 * ZMQ_CLIENT.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { optionFrame, SocketBase } from "../socket.ts";
import type { HelloMessageOption, HiccupMessageOption } from "./draft_options.ts";
import { receiveSingle, singleFrame } from "./single_frame.ts";

/** Options of a {@link Client} socket. */
export interface ClientOptions extends SocketOptions, HelloMessageOption, HiccupMessageOption {}

const DEFAULTS: TypeDefaults<ClientOptions> = {
  helloMessage: null,
  hiccupMessage: null,
};

/**
 * Talks to one or more `Server`s: each message goes to the next server in
 * turn, replies come back from all of them in fair order. Messages are
 * single frames; a multipart `send` rejects with `EINVAL`. Unlike
 * `Request` there is no lock-step: send and receive in any order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Client, messageRoutingId, Server } from "@zmtp/zmq";
 * const server = new Server();
 * await server.bind("tcp://127.0.0.1:*");
 * const client = new Client();
 * client.connect(server.lastEndpoint!);
 * await client.send("ping");
 * const request = await server.receive();
 * await server.send("pong", { routingId: messageRoutingId(request)! });
 * const [reply] = await client.receive();
 * assert.equal(new TextDecoder().decode(reply), "pong");
 * client.close();
 * server.close();
 * ```
 */
export class Client extends SocketBase {
  /** See {@link ClientOptions.helloMessage}. */
  declare helloMessage: string | Uint8Array | null;
  /** See {@link ClientOptions.hiccupMessage}. */
  declare hiccupMessage: string | Uint8Array | null;
  private readonly lb = new LoadBalancer();
  private readonly fq = new FairQueue();

  /** Creates a CLIENT socket. */
  constructor(options?: Partial<ClientOptions>) {
    super("CLIENT", options, DEFAULTS);
  }

  /** @internal ZMQ_HELLO_MSG. */
  protected override helloFrame(): Uint8Array | null {
    return optionFrame(this.helloMessage);
  }

  /** @internal ZMQ_HICCUP_MSG, for servers this socket connected to. */
  protected override lostPeerFrame(pipe: Pipe): Uint8Array | null {
    return pipe.locallyInitiated ? optionFrame(this.hiccupMessage) : null;
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
