/**
 * PAIR (RFC 31): exactly one peer, messages both ways.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { SocketBase } from "../socket.ts";

/** Options of a {@link Pair} socket. */
export type PairOptions = SocketOptions;

/**
 * An exclusive two-way connection to one peer. A second peer is refused
 * while the first is attached, as in libzmq.
 *
 * @example
 * ```ts
 * import { Pair } from "@zmtp/zmq";
 * const a = new Pair();
 * const b = new Pair();
 * await a.bind("inproc://step");
 * b.connect("inproc://step");
 * await b.send("ready");
 * const [signal] = await a.receive();
 * a.close();
 * b.close();
 * ```
 */
export class Pair extends SocketBase {
  private pipe: Pipe | null = null;
  /** A previous peer's pipe, still read until drained after it went away. */
  private draining: Pipe | null = null;

  /** Creates a PAIR socket. */
  constructor(options?: Partial<PairOptions>) {
    super("PAIR", options);
  }

  /** @internal See {@link SocketBase}: a new peer. */
  protected xAttach(pipe: Pipe): void {
    if (this.pipe !== null) {
      this.removePipe(pipe);
      return;
    }
    this.pipe = pipe;
  }

  /** @internal See {@link SocketBase}: a peer went away. */
  protected xTerminated(pipe: Pipe): void {
    if (this.pipe !== pipe) return;
    this.pipe = null;
    if (pipe.inbound.length > 0) this.draining = pipe;
  }

  /** @internal See {@link SocketBase}: routes an outgoing message. */
  protected override xSend(msg: Message): boolean {
    return this.pipe !== null && this.pipe.write(msg);
  }

  /** @internal See {@link SocketBase}: the next incoming message. */
  protected override xRecv(): Message | undefined {
    if (this.draining !== null) {
      const msg = this.draining.read();
      if (msg !== undefined) return msg;
      this.draining = null;
    }
    return this.pipe?.read();
  }
}
