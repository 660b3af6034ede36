/**
 * RADIO/DISH groups on a ZMTP connection (RFC 48, as libzmq 4.3.5's
 * radio_session_t and dish_session_t write them):
 *
 * - a DISH tells its RADIO peers which groups it wants with commands:
 *   JOIN and LEAVE, whose data is the group's bytes (no length prefix;
 *   the frame's size bounds it): `\x04JOIN` + group, `\x05LEAVE` + group;
 * - a RADIO sends each message as two frames: the group (MORE), then the
 *   body.
 *
 * Inside this library a join or leave travels through a pipe as a
 * one-frame message, `\x01group` or `\x00group` (as subscriptions do), and
 * a group message as `[group, body]`. The adapters below turn the former
 * into commands and back; the socket types never see bytes.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { WireAdapter } from "./adapter.ts";
import type { Command } from "./command.ts";

export type { WireAdapter } from "./adapter.ts";

/** Longest group name, bytes (libzmq's ZMQ_GROUP_MAX_LENGTH). */
export const GROUP_MAX_LENGTH = 255;

/** The pipe item for joining (`join` true) or leaving a group. */
export function membershipMessage(join: boolean, group: Uint8Array): Message {
  const item = new Uint8Array(1 + group.length);
  item[0] = join ? 1 : 0;
  item.set(group, 1);
  return [item];
}

/** DISH: joins and leaves go out as JOIN and LEAVE commands. */
export const DISH_ADAPTER: WireAdapter = {
  toCommand(msg: Message): Command | undefined {
    const item = msg[0];
    return { name: item[0] === 1 ? "JOIN" : "LEAVE", data: item.subarray(1) };
  },
};

/** RADIO: JOIN and LEAVE commands from a dish become join/leave pipe items. */
export const RADIO_ADAPTER: WireAdapter = {
  toMessage(command: Command): Message | undefined {
    if (command.name !== "JOIN" && command.name !== "LEAVE") return undefined;
    if (command.data.length > GROUP_MAX_LENGTH) return undefined;
    return membershipMessage(command.name === "JOIN", command.data);
  },
};
