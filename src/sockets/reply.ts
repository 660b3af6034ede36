/**
 * REP (RFC 28): receives a request, strips its envelope (every frame up to
 * and including the empty delimiter), and puts the same envelope back on
 * the reply, which goes to the peer the request came from. The envelope
 * may hold any number of routing ids, so REP works behind ROUTER/DEALER
 * brokers.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { SocketBase } from "../socket.ts";

/** The envelope while no request is being answered (never written to). */
const NO_ENVELOPE: Message = [];

/** Options of a {@link Reply} socket. */
export type ReplyOptions = SocketOptions;

/**
 * The service side of request-reply: `receive` a request, then `send` its
 * reply, in strict alternation (`EFSM` otherwise). Requests are taken from
 * all peers in turn; each reply returns to the peer that asked, with the
 * request's envelope restored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Reply, Request } from "@zmtp/zmq";
 * const rep = new Reply();
 * await rep.bind("tcp://127.0.0.1:*");
 * const req = new Request();
 * req.connect(rep.lastEndpoint!);
 * await req.send("Hello");
 * for await (const [request] of rep) {
 *   await rep.send(["World", request]);
 *   break;
 * }
 * const reply = (await req.receive()).map((frame) => new TextDecoder().decode(frame));
 * assert.deepEqual(reply, ["World", "Hello"]);
 * req.close();
 * rep.close();
 * ```
 */
export class Reply extends SocketBase {
  private readonly fq = new FairQueue();
  /** True between a received request and its reply. */
  private sendingReply = false;
  /** The peer the current request came from. */
  private replyPipe: Pipe | null = null;
  /** The current request's envelope, delimiter included. */
  private envelope: Message = NO_ENVELOPE;

  /** Creates a REP socket. */
  constructor(options?: Partial<ReplyOptions>) {
    super("REP", options);
  }

  /** @internal A new peer: read its requests in turn. */
  protected xAttach(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  /** @internal A peer went away. */
  protected xTerminated(pipe: Pipe): void {
    // The fair queue keeps the pipe until its last request is read; a reply
    // to a peer that is gone is dropped, as libzmq does.
    if (this.replyPipe === pipe) this.replyPipe = null;
  }

  /** @internal A peer has requests: read it in turn. */
  protected override xReadable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** @internal Sends the reply with the request's envelope. */
  protected override xSend(msg: Message): boolean {
    if (!this.sendingReply) {
      throw zmqError("EFSM", "a Reply must receive a request before it sends");
    }
    const pipe = this.replyPipe;
    // The request's envelope array becomes the reply.
    const reply = this.envelope;
    for (let i = 0; i < msg.length; i++) reply.push(msg[i]);
    this.sendingReply = false;
    this.replyPipe = null;
    this.envelope = NO_ENVELOPE;
    // libzmq's REP never blocks: a reply to a peer at its high-water mark is dropped.
    if (pipe !== null && pipe.writable) pipe.write(reply);
    return true;
  }

  /** @internal The next request's body; its envelope is kept for the reply. */
  protected override xRecv(): Message | undefined {
    if (this.sendingReply) {
      throw zmqError("EFSM", "a Reply must send the reply before it receives again");
    }
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return undefined;
      const bottom = delimiterIndex(msg);
      // A request without a delimiter is not a request: libzmq drops it.
      if (bottom < 0) continue;
      const body = msg.splice(bottom + 1);
      this.envelope = msg;
      this.replyPipe = this.fq.lastPipe;
      this.sendingReply = true;
      return body;
    }
  }
}

/** Index of the first empty frame that has a body after it, or -1. */
function delimiterIndex(msg: Message): number {
  const last = msg.length - 1;
  for (let i = 0; i < last; i++) if (msg[i].length === 0) return i;
  return -1;
}
