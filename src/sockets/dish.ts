/**
 * DISH (RFC 48): receives the groups it joined, libzmq's draft ZMQ_DISH.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { type Message, type MessageLike, toFrame } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { FairQueue } from "../routing/fair_queue.ts";
import { setGroup } from "../routing/properties.ts";
import { SocketBase } from "../socket.ts";
import {
  DISH_ADAPTER,
  GROUP_MAX_LENGTH,
  membershipMessage,
  type WireAdapter,
} from "../wire/join_leave.ts";

/** Options of a {@link Dish} socket. */
export type DishOptions = SocketOptions;

const DEFAULTS: TypeDefaults<DishOptions> = {
  // Pending joins are not worth waiting for on close (libzmq's dish_t).
  linger: 0,
};

/** A group's bytes as a Set key. */
function groupKey(group: Uint8Array): string {
  let key = "";
  for (let i = 0; i < group.length; i++) key += String.fromCharCode(group[i]);
  return key;
}

/**
 * Receives the messages its `Radio`s send to the groups it joined (exact
 * match). `messageGroup(msg)` tells a received message's group. Joins are
 * sent to every Radio, again on reconnection. It cannot send. Over
 * `udp://` a Dish binds and filters by its groups itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Dish, messageGroup, Radio } from "@zmtp/zmq";
 * const radio = new Radio();
 * await radio.bind("inproc://dish-doc");
 * const dish = new Dish();
 * dish.connect("inproc://dish-doc");
 * dish.join("temperature", "humidity");
 * await radio.send("62 %", { group: "humidity" });
 * const msg = await dish.receive();
 * assert.equal(messageGroup(msg), "humidity");
 * assert.equal(new TextDecoder().decode(msg[0]), "62 %");
 * dish.close();
 * radio.close();
 * ```
 */
export class Dish extends SocketBase {
  private readonly fq = new FairQueue();
  private readonly radios = new Set<Pipe>();
  /** Joined groups, by key, with their bytes. */
  private readonly joined = new Map<string, Uint8Array>();

  /** Creates a DISH socket. Its `linger` defaults to 0, as in libzmq. */
  constructor(options?: Partial<DishOptions>) {
    super("DISH", options, DEFAULTS);
  }

  /**
   * Joins groups (at most 255 bytes each; UTF-8 for a string). Joining a
   * group twice is `EINVAL`, as in libzmq.
   */
  join(...groups: MessageLike[]): void {
    for (const group of groups) this.change(true, group);
  }

  /** Leaves groups; leaving a group not joined is `EINVAL`, as in libzmq. */
  leave(...groups: MessageLike[]): void {
    for (const group of groups) this.change(false, group);
  }

  /** Joins or leaves one group and tells every radio. */
  private change(join: boolean, group: MessageLike): void {
    if (this.closed) throw zmqError("ETERM", "socket is closed");
    const bytes = toFrame(group);
    if (bytes.length > GROUP_MAX_LENGTH) {
      throw zmqError("EINVAL", `a group is at most ${GROUP_MAX_LENGTH} bytes`);
    }
    const key = groupKey(bytes);
    if (join === this.joined.has(key)) {
      throw zmqError("EINVAL", join ? "group already joined" : "group not joined");
    }
    if (join) this.joined.set(key, bytes.slice());
    else this.joined.delete(key);
    const item = membershipMessage(join, bytes);
    // Never dropped at the high-water mark: a lost join would silence the group.
    for (const pipe of this.radios) pipe.outbound.push(item);
  }

  /** @internal Joins and leaves go out as JOIN and LEAVE commands. */
  protected override wireAdapter(): WireAdapter {
    return DISH_ADAPTER;
  }

  /** @internal A new radio: read it, and tell it our groups. */
  protected xAttach(pipe: Pipe): void {
    this.radios.add(pipe);
    this.fq.attach(pipe);
    this.sendMemberships(pipe);
  }

  /** @internal A radio went away (what it sent is still read). */
  protected xTerminated(pipe: Pipe): void {
    this.radios.delete(pipe);
  }

  /** @internal A radio's connection came back: tell it our groups again. */
  protected override xReconnected(pipe: Pipe): void {
    this.sendMemberships(pipe);
  }

  /** @internal A radio has messages. */
  protected override xReadable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** @internal The next message of a joined group, tagged with its group. */
  protected override xRecv(): Message | undefined {
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return undefined;
      // [group, body]; anything else is not a group message (libzmq drops the connection).
      if (msg.length !== 2 || !this.joined.has(groupKey(msg[0]))) continue;
      const body = msg[1].subarray(0); // a view of its own to carry the tag
      setGroup(body, msg[0]);
      return [body];
    }
  }

  /** Tells a radio every group joined. */
  private sendMemberships(pipe: Pipe): void {
    for (const group of this.joined.values()) pipe.outbound.push(membershipMessage(true, group));
  }
}
