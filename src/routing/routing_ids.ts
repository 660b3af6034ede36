/**
 * Routing by 32-bit id (libzmq's server_t, which peer_t extends): each
 * peer gets the next number of a counter that starts at random and skips
 * zero; a received message is tagged with its peer's id, and a message to
 * send names the id of the peer it goes to.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { type Message, type MessageLike, toMessage } from "../message.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "./fair_queue.ts";
import { routingIdOf, setRoutingId } from "./properties.ts";

/** The pipes of a SERVER or PEER socket by routing id, and fair reading from them. */
export class RoutingIds {
  private readonly byId = new Map<number, Pipe>();
  private readonly idOf = new WeakMap<Pipe, number>();
  private readonly fq = new FairQueue();
  private nextId = (Math.random() * 0x1_0000_0000) >>> 0;
  /** The id given to the last attached pipe (PEER's connectPeer returns it). */
  lastId = 0;

  /** Gives a new pipe the next id (or `id`, when the connecting user chose it) and reads it. */
  attach(pipe: Pipe, id?: number): void {
    if (id === undefined) {
      do {
        id = this.nextId;
        this.nextId = (this.nextId + 1) >>> 0;
      } while (id === 0 || this.byId.has(id));
    }
    this.byId.set(id, pipe);
    this.idOf.set(pipe, id);
    this.lastId = id;
    this.fq.attach(pipe);
  }

  /** True when some pipe has this id. */
  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The peer went away: its id is unknown from now on (what it sent is still read). */
  terminated(pipe: Pipe): void {
    const id = this.idOf.get(pipe);
    if (id !== undefined && this.byId.get(id) === pipe) this.byId.delete(id);
  }

  /** The pipe has messages. */
  readable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** The next single-frame message in fair order, tagged with its peer's id. */
  receive(): Message | undefined {
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return undefined;
      if (msg.length !== 1) continue; // libzmq drops multipart messages here
      // A view of its own: the same buffer may arrive twice (inproc) with different ids.
      const frame = msg[0].subarray(0);
      setRoutingId(frame, this.idOf.get(this.fq.lastPipe!)!);
      return [frame];
    }
  }

  /**
   * Queues a single-frame message for the peer its frame is tagged with:
   * false (wait) while that peer is full; `EHOSTUNREACH` when no peer has the id.
   */
  send(msg: Message, type: string): boolean {
    if (msg.length !== 1) {
      throw zmqError("EINVAL", `${type} sockets send single-frame messages only`);
    }
    const id = routingIdOf(msg[0]);
    if (id === undefined) {
      throw zmqError("EINVAL", `${type}.send needs { routingId } naming the peer`);
    }
    const pipe = this.byId.get(id);
    if (pipe === undefined) throw zmqError("EHOSTUNREACH", `no peer with routing id ${id}`);
    if (pipe.write(msg)) return true;
    pipe.outbound.waitForSpace();
    return false;
  }
}

/**
 * The message to send, its frame a view tagged with `routingId` (a
 * multipart message is `EINVAL`, checked again when it is routed).
 */
export function addressed(msg: MessageLike | MessageLike[], routingId: unknown): Message {
  const frames = toMessage(msg);
  if (frames.length !== 1 || routingId === undefined) return frames;
  if (
    typeof routingId !== "number" || !Number.isInteger(routingId) || routingId < 0 ||
    routingId > 0xffff_ffff
  ) {
    throw zmqError("EINVAL", `a routing id is a 32-bit unsigned integer, not ${routingId}`);
  }
  const view = frames[0].subarray(0);
  setRoutingId(view, routingId);
  return [view];
}
