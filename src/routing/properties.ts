/**
 * Per-message properties of the draft socket types, as libzmq keeps them
 * on a `zmq_msg_t` instead of in an envelope frame: the 32-bit routing id
 * of a Server's or Peer's peer, and the group of a Radio/Dish message.
 *
 * A property is attached to the message's (single) frame; the frame is a
 * view of its own, so one buffer given to several sends keeps each tag.
 *
 * @module
 */

const routingIds = new WeakMap<Uint8Array, number>();
const groups = new WeakMap<Uint8Array, Uint8Array>();
const utf8 = new TextDecoder();

/** The frame a property is read from: the message's last (for draft types, only) frame. */
function frameOf(message: readonly Uint8Array[] | Uint8Array): Uint8Array | undefined {
  return message instanceof Uint8Array ? message : message[message.length - 1];
}

/** @internal Tags a frame with the routing id of the peer it came from or goes to. */
export function setRoutingId(frame: Uint8Array, id: number): void {
  routingIds.set(frame, id);
}

/** @internal The routing id a frame was tagged with. */
export function routingIdOf(frame: Uint8Array): number | undefined {
  return routingIds.get(frame);
}

/** @internal Tags a frame with its Radio/Dish group (raw bytes). */
export function setGroup(frame: Uint8Array, group: Uint8Array): void {
  groups.set(frame, group);
}

/** @internal The group bytes a frame was tagged with. */
export function groupOf(frame: Uint8Array): Uint8Array | undefined {
  return groups.get(frame);
}

/**
 * The routing id of the peer a `Server` or `Peer` received this message
 * from (libzmq's `zmq_msg_routing_id`): pass it to `send(reply,
 * { routingId })` to answer that peer. Undefined for a message that did
 * not come from a Server or Peer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Client, messageRoutingId, Server } from "@zmtp/zmq";
 * const server = new Server();
 * await server.bind("inproc://routing-id-doc");
 * const client = new Client();
 * client.connect("inproc://routing-id-doc");
 * await client.send("ping");
 * const request = await server.receive();
 * await server.send("pong", { routingId: messageRoutingId(request)! });
 * assert.equal(new TextDecoder().decode((await client.receive())[0]), "pong");
 * client.close();
 * server.close();
 * ```
 */
export function messageRoutingId(message: readonly Uint8Array[] | Uint8Array): number | undefined {
  const frame = frameOf(message);
  return frame === undefined ? undefined : routingIds.get(frame);
}

/**
 * The group of a message a `Dish` received (libzmq's `zmq_msg_group`), as
 * UTF-8 text. Undefined for a message that did not come from a Dish.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Dish, messageGroup, Radio } from "@zmtp/zmq";
 * const radio = new Radio();
 * await radio.bind("inproc://group-doc");
 * const dish = new Dish();
 * dish.connect("inproc://group-doc");
 * dish.join("weather");
 * await radio.send("sunny", { group: "weather" });
 * const msg = await dish.receive();
 * assert.equal(messageGroup(msg), "weather");
 * dish.close();
 * radio.close();
 * ```
 */
export function messageGroup(message: readonly Uint8Array[] | Uint8Array): string | undefined {
  const frame = frameOf(message);
  const group = frame === undefined ? undefined : groups.get(frame);
  return group === undefined ? undefined : utf8.decode(group);
}
