/**
 * DEALER (RFC 28): load-balances outgoing messages over its peers and
 * fair-queues incoming ones; no envelope of its own.
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

/** Options of a {@link Dealer} socket. */
export interface DealerOptions extends SocketOptions, HelloMessageOption, HiccupMessageOption {
  /**
   * Send an empty message to each new peer as soon as it is attached, so a
   * ROUTER learns this socket's routing id before any real message
   * (libzmq's ZMQ_PROBE_ROUTER).
   */
  probeRouter: boolean;
}

const DEFAULTS: TypeDefaults<DealerOptions> = {
  probeRouter: false,
  helloMessage: null,
  hiccupMessage: null,
};

/** The empty frame that probes and REQ/REP delimiters are made of. */
export const EMPTY_FRAME: Uint8Array = new Uint8Array(0);

/**
 * An asynchronous request-reply socket: each message goes to the next peer
 * with room (round robin), and messages from all peers are received in
 * turn. Talks to ROUTER, REP and other DEALER sockets. To talk to a REP,
 * send the empty delimiter frame first, as REQ does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Dealer, Reply } from "@zmtp/zmq";
 * const rep = new Reply();
 * await rep.bind("tcp://127.0.0.1:*");
 * const dealer = new Dealer({ routingId: "worker-1" });
 * dealer.connect(rep.lastEndpoint!);
 * await dealer.send(["", "hello"]); // a REP peer needs the empty delimiter
 * const [request] = await rep.receive();
 * await rep.send(["echo ", request]);
 * const [, ...reply] = await dealer.receive();
 * assert.deepEqual(reply.map((f) => new TextDecoder().decode(f)), ["echo ", "hello"]);
 * dealer.close();
 * rep.close();
 * ```
 */
export class Dealer extends SocketBase {
  /** See {@link DealerOptions.probeRouter}. */
  declare probeRouter: boolean;
  /** See {@link DealerOptions.helloMessage}. */
  declare helloMessage: string | Uint8Array | null;
  /** See {@link DealerOptions.hiccupMessage}. */
  declare hiccupMessage: string | Uint8Array | null;
  private readonly fq = new FairQueue();
  private readonly lb = new LoadBalancer();

  /** Creates a DEALER socket. */
  constructor(options?: Partial<DealerOptions>) {
    super("DEALER", options, DEFAULTS);
  }

  /** @internal ZMQ_HELLO_MSG. */
  protected override helloFrame(): Uint8Array | null {
    return optionFrame(this.helloMessage);
  }

  /** @internal ZMQ_HICCUP_MSG, for peers this socket connected to. */
  protected override lostPeerFrame(pipe: Pipe): Uint8Array | null {
    return pipe.locallyInitiated ? optionFrame(this.hiccupMessage) : null;
  }

  /** @internal A new peer: probe it if asked, then read from it and send to it. */
  protected xAttach(pipe: Pipe): void {
    if (this.probeRouter) pipe.write([EMPTY_FRAME]);
    this.fq.attach(pipe);
    this.lb.attach(pipe);
  }

  /** @internal A peer went away: stop sending to it. */
  protected xTerminated(pipe: Pipe): void {
    // The fair queue keeps the pipe until its last message is read.
    this.lb.detach(pipe);
  }

  /** @internal A peer has messages: read it in turn. */
  protected override xReadable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** @internal A full peer has room again: send to it in turn. */
  protected override xWritable(pipe: Pipe): void {
    this.lb.activate(pipe);
  }

  /** @internal Load-balances one message. */
  protected override xSend(msg: Message): boolean {
    return this.lb.send(msg);
  }

  /** @internal The next message in fair order. */
  protected override xRecv(): Message | undefined {
    return this.fq.receive();
  }
}
