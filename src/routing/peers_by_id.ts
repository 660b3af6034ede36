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
import { FairQueue } from "./fair_queue.ts";
import { RoutingTable } from "./routing_table.ts";

/** Peers addressed by id: a routing table, read in fair order. */
export class PeersById {
  /** Identified peers, read in turn. */
  readonly fq: FairQueue = new FairQueue();
  /** Peers by id. */
  readonly table: RoutingTable = new RoutingTable();
  /** Messages dropped for an unknown or full peer. */
  dropped = 0;

  /**
   * Sends `msg` to the peer named by its first frame, without that frame.
   * An unknown id throws `EHOSTUNREACH` when `mandatory` and is dropped
   * otherwise; a peer at its high-water mark makes the caller wait when
   * `mandatory` and drops the message otherwise. True when the message was
   * queued or dropped, false when the caller must wait.
   */
  send(msg: Message, mandatory: boolean): boolean {
    const pipe = this.table.lookup(msg[0]);
    if (pipe === undefined) {
      if (mandatory) throw unreachable(msg[0]);
      this.dropped++;
      return true;
    }
    if (!pipe.writable) {
      if (!mandatory) {
        this.dropped++;
        return true;
      }
      pipe.outbound.waitForSpace();
      return false;
    }
    msg.shift();
    pipe.write(msg);
    return true;
  }

  /**
   * The peer with routing id `id`.
   * @throws {ZmqError} `EHOSTUNREACH` when no peer has it.
   */
  peer(id: Uint8Array): Pipe {
    const pipe = this.table.lookup(id);
    if (pipe === undefined) throw unreachable(id);
    return pipe;
  }

  /** The next message in fair order, prefixed with its peer's id. */
  receive(): Message | undefined {
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
