/**
 * PAIR (RFC 31): exactly one peer, messages both ways.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { ExclusivePeer } from "../routing/exclusive.ts";
import { SocketBase } from "../socket.ts";

/** Options of a {@link Pair} socket. */
export type PairOptions = SocketOptions;

/**
 * An exclusive two-way connection to one peer. A second peer is refused
 * while the first is attached, as in libzmq.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pair } from "@zmtp/zmq";
 * const a = new Pair();
 * const b = new Pair();
 * await a.bind("inproc://step");
 * b.connect("inproc://step");
 * await b.send("ready");
 * const [signal] = await a.receive();
 * assert.equal(new TextDecoder().decode(signal), "ready");
 * a.close();
 * b.close();
 * ```
 */
export class Pair extends SocketBase {
  private readonly peer = new ExclusivePeer();

  /** Creates a PAIR socket. */
  constructor(options?: Partial<PairOptions>) {
    super("PAIR", options);
  }

  /** @internal See {@link SocketBase}: a new peer. */
  protected xAttach(pipe: Pipe): void {
    if (!this.peer.attach(pipe)) this.removePipe(pipe);
  }

  /** @internal See {@link SocketBase}: a peer went away. */
  protected xTerminated(pipe: Pipe): void {
    this.peer.terminated(pipe);
  }

  /** @internal See {@link SocketBase}: routes an outgoing message. */
  protected override xSend(msg: Message): boolean {
    return this.peer.send(msg);
  }

  /** @internal See {@link SocketBase}: the next incoming message. */
  protected override xRecv(): Message | undefined {
    return this.peer.receive();
  }
}
