/**
 * The routing-id table of ROUTER and STREAM sockets (libzmq's
 * routing_socket_base_t): each identified pipe under the id that addresses
 * it, and the generator of ids for peers that announce none.
 *
 * @module
 */

import type { Pipe } from "../pipe/pipe.ts";

/**
 * A routing id as a Map key: one UTF-16 code unit per byte, so distinct
 * byte strings give distinct keys. Ids are short (at most 255 bytes), so
 * this costs less than a hash of the bytes would.
 */
function idKey(id: Uint8Array): string {
  let key = "";
  for (let i = 0; i < id.length; i++) key += String.fromCharCode(id[i]);
  return key;
}

/** Pipes by routing id; see the module documentation. */
export class RoutingTable {
  private readonly byId = new Map<string, Pipe>();
  /**
   * Each filed pipe by its id object: a reply addressed with the very id
   * frame its request came with (an echo, a broker) is found without
   * making a key.
   */
  private readonly byIdObject = new WeakMap<Uint8Array, Pipe>();
  /** libzmq starts its counter at a random value, so ids differ between sockets and runs. */
  private nextId = (Math.random() * 0x1_0000_0000) >>> 0;

  /** Number of identified pipes. */
  get size(): number {
    return this.byId.size;
  }

  /** The pipe that `id` addresses, if any. */
  lookup(id: Uint8Array): Pipe | undefined {
    return this.byIdObject.get(id) ?? this.byId.get(idKey(id));
  }

  /** True when some pipe already has `id`. */
  has(id: Uint8Array): boolean {
    return this.byId.has(idKey(id));
  }

  /** Files `pipe` under `id` (and records the id on the pipe). */
  add(id: Uint8Array, pipe: Pipe): void {
    const key = idKey(id);
    const holder = this.byId.get(key);
    if (holder?.routingId) this.byIdObject.delete(holder.routingId);
    pipe.routingId = id;
    this.byId.set(key, pipe);
    this.byIdObject.set(id, pipe);
  }

  /** Removes `pipe` from the table if it is filed there; its `routingId` stays readable. */
  remove(pipe: Pipe): void {
    const id = pipe.routingId;
    if (id === null) return;
    const key = idKey(id);
    if (this.byId.get(key) === pipe) this.byId.delete(key);
    if (this.byIdObject.get(id) === pipe) this.byIdObject.delete(id);
  }

  /**
   * A fresh id as libzmq makes them: five bytes, a zero then a 32-bit
   * big-endian counter. libzmq's documentation reserves ids that start with
   * a zero byte for these, so they do not collide with ids peers choose.
   */
  generateId(): Uint8Array {
    const id = new Uint8Array(5);
    const n = this.nextId;
    this.nextId = (n + 1) >>> 0;
    id[1] = n >>> 24;
    id[2] = (n >>> 16) & 0xff;
    id[3] = (n >>> 8) & 0xff;
    id[4] = n & 0xff;
    return id;
  }
}
