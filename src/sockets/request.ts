/**
 * REQ (RFC 28): a DEALER that adds the empty delimiter to each request,
 * waits for the reply from the peer it sent to, and enforces the strict
 * send, receive, send… order (libzmq's EFSM), unless `relaxed`.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { LoadBalancer } from "../routing/load_balancer.ts";
import { SocketBase } from "../socket.ts";
import { EMPTY_FRAME } from "./dealer.ts";

/** Options of a {@link Request} socket. */
export interface RequestOptions extends SocketOptions {
  /**
   * Prefix each request with a 4-byte request id and accept only the reply
   * that carries the id of the last request (libzmq's ZMQ_REQ_CORRELATE).
   * Useful with `relaxed`, where an old reply may still arrive.
   */
  correlate: boolean;
  /**
   * Allow a new request before the previous reply arrived; the previous
   * request is abandoned and its reply, if it comes, discarded (libzmq's
   * ZMQ_REQ_RELAXED). Combine with `correlate` to tell late replies apart.
   */
  relaxed: boolean;
  /** Send an empty message to each new peer as soon as it is attached (libzmq's ZMQ_PROBE_ROUTER). */
  probeRouter: boolean;
}

const DEFAULTS: TypeDefaults<RequestOptions> = {
  correlate: false,
  relaxed: false,
  probeRouter: false,
};

/**
 * The client side of request-reply: `send` a request, then `receive` its
 * reply, in strict alternation (a second `send` before the reply rejects
 * with `EFSM`). Requests are load-balanced over the connected REP or
 * ROUTER peers; the reply is taken only from the peer that got the
 * request. The empty delimiter frame is added and removed for you.
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
 * const [request] = await rep.receive();
 * await rep.send(["World"]);
 * const [reply] = await req.receive();
 * assert.equal(new TextDecoder().decode(request), "Hello");
 * assert.equal(new TextDecoder().decode(reply), "World");
 * req.close();
 * rep.close();
 * ```
 */
export class Request extends SocketBase {
  /** See {@link RequestOptions.correlate}. */
  declare correlate: boolean;
  /** See {@link RequestOptions.relaxed}. */
  declare relaxed: boolean;
  /** See {@link RequestOptions.probeRouter}. */
  declare probeRouter: boolean;
  private readonly fq = new FairQueue();
  private readonly lb = new LoadBalancer();
  /** True between a sent request and its reply. */
  private receivingReply = false;
  /** The peer the last request went to; replies from others are dropped. */
  private replyPipe: Pipe | null = null;
  /** libzmq starts request ids at a random value. */
  private requestId = (Math.random() * 0x1_0000_0000) >>> 0;

  /** Creates a REQ socket. */
  constructor(options?: Partial<RequestOptions>) {
    super("REQ", options, DEFAULTS);
  }

  /** @internal A new peer: probe it if asked, then read from it and send to it. */
  protected xAttach(pipe: Pipe): void {
    if (this.probeRouter) pipe.write([EMPTY_FRAME]);
    this.fq.attach(pipe);
    this.lb.attach(pipe);
  }

  /** @internal A peer went away: stop sending to it. */
  protected xTerminated(pipe: Pipe): void {
    this.lb.detach(pipe);
    // As libzmq: once the peer that has the request is gone, a reply is
    // taken from any peer (a reply it had already sent is still read).
    if (this.replyPipe === pipe) this.replyPipe = null;
  }

  /** @internal A peer has messages: read it in turn. */
  protected override xReadable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** @internal A full peer has room again: send to it in turn. */
  protected override xWritable(pipe: Pipe): void {
    this.lb.activate(pipe);
  }

  /** @internal Sends a request with its envelope, if the state allows one. */
  protected override xSend(msg: Message): boolean {
    if (this.receivingReply && !this.relaxed) {
      throw zmqError("EFSM", "a Request must receive the reply before it sends again");
    }
    const id = (this.requestId + 1) >>> 0;
    // The envelope goes in front of the caller's frames, in the array the
    // socket made for this message (taken off again if it must wait).
    const envelope = this.correlate ? 2 : 1;
    if (this.correlate) msg.unshift(requestIdFrame(id), EMPTY_FRAME);
    else msg.unshift(EMPTY_FRAME);
    if (!this.lb.send(msg)) {
      msg.splice(0, envelope);
      return false;
    }
    this.requestId = id;
    this.replyPipe = this.lb.lastPipe;
    this.receivingReply = true;
    // Replies to earlier requests (relaxed mode) can no longer be wanted.
    while (this.fq.receive() !== undefined);
    return true;
  }

  /** @internal The reply to the last request, if it arrived. */
  protected override xRecv(): Message | undefined {
    if (!this.receivingReply) {
      throw zmqError("EFSM", "a Request must send a request before it receives");
    }
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return undefined;
      if (this.replyPipe !== null && this.fq.lastPipe !== this.replyPipe) continue;
      const bodyStart = this.replyBodyStart(msg);
      if (bodyStart < 0) continue;
      this.receivingReply = false;
      if (bodyStart === 1) msg.shift();
      else msg.splice(0, bodyStart);
      return msg;
    }
  }

  /**
   * Where the body of a reply starts, or -1 for a message that is not the
   * reply to the last request (malformed envelope, wrong request id), which
   * libzmq drops.
   */
  private replyBodyStart(msg: Message): number {
    let at = 0;
    if (this.correlate) {
      if (msg.length < 1 || !isRequestId(msg[0], this.requestId)) return -1;
      at = 1;
    }
    // The delimiter must be followed by at least one body frame.
    if (msg.length < at + 2 || msg[at].length !== 0) return -1;
    return at + 1;
  }
}

/** A request id frame: 4 bytes, in the byte order libzmq writes on x86 and ARM. */
function requestIdFrame(id: number): Uint8Array {
  const frame = new Uint8Array(4);
  new DataView(frame.buffer).setUint32(0, id, true);
  return frame;
}

function isRequestId(frame: Uint8Array, id: number): boolean {
  return frame.length === 4 &&
    new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, true) === id;
}
