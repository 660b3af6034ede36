/**
 * What ROUTER and STREAM share (libzmq's routing_socket_base_t): every peer
 * has an id, a received message comes with its peer's id in front, and a
 * sent message goes to the peer its first frame names.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { RoutingTable } from "../routing/routing_table.ts";
import { SocketBase } from "../socket.ts";

/** The base of sockets that address their peers by id. */
export abstract class RoutingSocket extends SocketBase {
  /** @internal Identified peers, read in turn. */
  protected readonly fq: FairQueue = new FairQueue();
  /** @internal Peers by id. */
  protected readonly table: RoutingTable = new RoutingTable();

  /**
   * @internal Sends `msg` to the peer named by its first frame, without
   * that frame. An unknown id throws `EHOSTUNREACH` when `mandatory`, and
   * is dropped otherwise; a peer at its high-water mark makes the caller
   * wait when `mandatory`, and drops the message otherwise. True when the
   * message was queued or dropped, false when the caller must wait.
   */
  protected sendById(msg: Message, mandatory: boolean): boolean {
    const pipe = this.table.lookup(msg[0]);
    if (pipe === undefined) {
      if (mandatory) throw unreachable(msg[0]);
      this.droppedCount++;
      return true;
    }
    if (!pipe.writable) {
      if (!mandatory) {
        this.droppedCount++;
        return true;
      }
      pipe.outbound.waitForSpace();
      return false;
    }
    msg.shift();
    pipe.write(msg);
    return true;
  }

  /** @internal The peer with routing id `id`, or an `EHOSTUNREACH` error. */
  protected peerById(id: Uint8Array): Pipe {
    const pipe = this.table.lookup(id);
    if (pipe === undefined) throw unreachable(id);
    return pipe;
  }

  /** @internal The next message in fair order, prefixed with its peer's id. */
  protected override xRecv(): Message | undefined {
    const msg = this.fq.receive();
    if (msg === undefined) return undefined;
    msg.unshift(this.fq.lastPipe!.routingId!);
    return msg;
  }
}

function unreachable(id: Uint8Array) {
  const shown = Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");
  return zmqError("EHOSTUNREACH", `no peer with routing id 0x${shown}`);
}
