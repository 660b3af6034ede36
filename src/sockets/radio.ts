/**
 * RADIO (RFC 48): publishes to groups, libzmq's draft ZMQ_RADIO.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { type Message, type MessageLike, toFrame } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { GroupTable } from "../routing/groups.ts";
import { COOPERATIVE_SEND_BATCH, type SendOptions, SocketBase } from "../socket.ts";
import { GROUP_MAX_LENGTH, RADIO_ADAPTER, type WireAdapter } from "../wire/join_leave.ts";
import { singleFrame } from "./single_frame.ts";

/** Options of a {@link Radio} socket. */
export type RadioOptions = SocketOptions;

/** Options of {@link Radio.send}. */
export interface RadioSendOptions extends SendOptions {
  /** The group the message belongs to: at most 255 bytes (UTF-8 for a string). */
  group: string | Uint8Array;
}

const utf8 = new TextEncoder();

/**
 * Sends each message to the `Dish`es that joined its group (exact match;
 * each Dish tells its Radio what it joined). Like a `Publisher` it never
 * waits: a Dish at its high-water mark misses the message (counted in
 * `droppedMessages`). Messages are single frames. Over `udp://` a Radio
 * connects to the Dish's address and sends it every group; the Dish
 * filters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Dish, messageGroup, Radio } from "@zmtp/zmq";
 * const radio = new Radio();
 * await radio.bind("inproc://radio-doc");
 * const dish = new Dish();
 * dish.connect("inproc://radio-doc");
 * dish.join("temperature");
 * await radio.send("21.5", { group: "humidity" }); // nobody joined: dropped
 * await radio.send("21.5", { group: "temperature" });
 * const msg = await dish.receive();
 * assert.equal(messageGroup(msg), "temperature");
 * assert.equal(new TextDecoder().decode(msg[0]), "21.5");
 * dish.close();
 * radio.close();
 * ```
 */
export class Radio extends SocketBase {
  private readonly groups = new GroupTable();
  /** Peers whose transport may refuse a message (udp). */
  private readonly limited = new Set<Pipe>();

  /** Creates a RADIO socket. */
  constructor(options?: Partial<RadioOptions>) {
    super("RADIO", options);
    this.yieldEvery = COOPERATIVE_SEND_BATCH;
  }

  /** Sends one frame to the dishes that joined `options.group`. */
  override send(msg: MessageLike | MessageLike[], options?: RadioSendOptions): Promise<void> {
    try {
      const group = options?.group;
      if (group === undefined) throw zmqError("EINVAL", "Radio.send needs { group }");
      const groupBytes = typeof group === "string" ? utf8.encode(group) : toFrame(group);
      if (groupBytes.length > GROUP_MAX_LENGTH) {
        throw zmqError("EINVAL", `a group is at most ${GROUP_MAX_LENGTH} bytes`);
      }
      if (Array.isArray(msg) && msg.length !== 1) singleFrame([], "RADIO");
      const body = toFrame(Array.isArray(msg) ? msg[0] : msg);
      // The pipe carries [group, body]: what the wire carries (RFC 48).
      return super.send([groupBytes, body], options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** @internal JOIN and LEAVE commands from dishes become pipe items. */
  protected override wireAdapter(): WireAdapter {
    return RADIO_ADAPTER;
  }

  /** @internal A new dish: read its joins (a udp peer gets every group). */
  protected xAttach(pipe: Pipe): void {
    if (pipe.subscribeToAll) this.groups.addReceiverOfAll(pipe);
    if (pipe.refuses !== null) this.limited.add(pipe);
    this.readMemberships(pipe);
  }

  /** @internal A dish went away with its groups. */
  protected xTerminated(pipe: Pipe): void {
    this.groups.forget(pipe);
    this.limited.delete(pipe);
  }

  /** @internal A dish reconnected: it joins its groups again. */
  protected override xReconnected(pipe: Pipe): void {
    this.groups.forget(pipe);
    if (pipe.subscribeToAll) this.groups.addReceiverOfAll(pipe);
  }

  /** @internal Joins or leaves arrived. */
  protected override xReadable(pipe: Pipe): void {
    this.readMemberships(pipe);
  }

  /**
   * @internal To every dish in the group; a full one misses it. A message
   * that a dish's transport cannot carry (udp's limits) is refused whole.
   */
  protected override xSend(msg: Message): boolean {
    const [group] = msg;
    for (const pipe of this.limited) {
      const problem = pipe.refuses!(msg);
      if (problem !== null) throw zmqError("EINVAL", problem);
    }
    this.groups.forEachMatching(group, (pipe) => {
      if (!pipe.write(msg)) this.droppedCount++;
    });
    return true;
  }

  /** Applies the joins and leaves a dish sent. */
  private readMemberships(pipe: Pipe): void {
    for (let item = pipe.read(); item !== undefined; item = pipe.read()) {
      const frame = item[0];
      if (item.length !== 1 || frame.length === 0) continue;
      if (frame[0] === 1) this.groups.join(pipe, frame.subarray(1));
      else if (frame[0] === 0) this.groups.leave(pipe, frame.subarray(1));
    }
  }
}
