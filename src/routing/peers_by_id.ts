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
  /** ZMQ_CONNECT_ROUTING_ID: the id the next pipe this socket connects gets, until used. */
  private connectId: Uint8Array | null = null;

  /**
   * Names the next peer this socket connects to (libzmq's
   * ZMQ_CONNECT_ROUTING_ID, consumed by the next locally made pipe).
   * @throws {ZmqError} `EINVAL` for an empty, over-long or taken id.
   */
  nameNextConnection(id: Uint8Array | string): void {
    const bytes = typeof id === "string" ? new TextEncoder().encode(id) : id;
    if (bytes.length === 0 || bytes.length > 255) {
      throw zmqError("EINVAL", "a connect routing id is 1 to 255 bytes");
    }
    if (this.table.has(bytes)) throw zmqError("EINVAL", "that routing id is already in use");
    this.connectId = bytes;
  }

  /**
   * Files a pipe this socket connected under the id {@link nameNextConnection}
   * gave, and reads it; false when no id was given (or the pipe was accepted).
   */
  takeNamedConnection(pipe: Pipe): boolean {
    const id = pipe.locallyInitiated ? this.connectId : null;
    if (id === null) return false;
    this.connectId = null;
    this.table.add(id, pipe);
    this.fq.attach(pipe);
    return true;
  }

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
