/**
 * CHANNEL: libzmq's draft ZMQ_CHANNEL, a PAIR of single-frame messages.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { ExclusivePeer } from "../routing/exclusive.ts";
import { SocketBase } from "../socket.ts";
import { singleFrame } from "./single_frame.ts";

/** Options of a {@link Channel} socket. */
export type ChannelOptions = SocketOptions;

/**
 * An exclusive two-way connection to one other `Channel`, like `Pair` but
 * with single-frame messages only (a multipart `send` rejects with
 * `EINVAL`). A second peer is refused while the first is attached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Channel } from "@zmtp/zmq";
 * const a = new Channel();
 * const b = new Channel();
 * await a.bind("inproc://channel-doc");
 * b.connect("inproc://channel-doc");
 * await b.send("ready");
 * const [signal] = await a.receive();
 * assert.equal(new TextDecoder().decode(signal), "ready");
 * a.close();
 * b.close();
 * ```
 */
export class Channel extends SocketBase {
  private readonly peer = new ExclusivePeer();

  /** Creates a CHANNEL socket. */
  constructor(options?: Partial<ChannelOptions>) {
    super("CHANNEL", options);
  }

  /** @internal The first peer is kept; others are refused while it is attached. */
  protected xAttach(pipe: Pipe): void {
    if (!this.peer.attach(pipe)) this.removePipe(pipe);
  }

  /** @internal The peer went away. */
  protected xTerminated(pipe: Pipe): void {
    this.peer.terminated(pipe);
  }

  /** @internal To the peer; waits while there is none or it is full. */
  protected override xSend(msg: Message): boolean {
    singleFrame(msg, "CHANNEL");
    return this.peer.send(msg);
  }

  /** @internal The next message from the peer; multipart ones are dropped. */
  protected override xRecv(): Message | undefined {
    for (;;) {
      const msg = this.peer.receive();
      if (msg === undefined || msg.length === 1) return msg;
    }
  }
}
