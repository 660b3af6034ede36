/**
 * Subscriptions travel between sockets as one-frame messages: `\x01prefix`
 * subscribes, `\x00prefix` cancels (ZMTP 3.0's form). To a ZMTP 3.1 peer
 * they travel as SUBSCRIBE/CANCEL commands: SUB and XSUB hand their engines
 * {@link SUBSCRIPTIONS_AS_COMMANDS}, PUB and XPUB
 * {@link SUBSCRIPTION_COMMANDS_AS_MESSAGES}.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { WireAdapter } from "../wire/adapter.ts";
import type { Command } from "../wire/command.ts";

/** True for a single-frame message starting with 1 (subscribe) or 0 (cancel). */
export function isSubscription(msg: Message): boolean {
  return msg.length === 1 && msg[0].length > 0 && msg[0][0] <= 1;
}

/** `\x01prefix` (subscribe) or `\x00prefix` (cancel) as a one-frame message; copies `prefix`. */
export function subscriptionMessage(subscribe: boolean, prefix: Uint8Array): Message {
  const frame = new Uint8Array(prefix.length + 1);
  frame[0] = subscribe ? 1 : 0;
  frame.set(prefix, 1);
  return [frame];
}

/** The subscriber side: subscription messages go to ZMTP 3.1 peers as SUBSCRIBE/CANCEL. */
export const SUBSCRIPTIONS_AS_COMMANDS: WireAdapter = {
  toCommand(msg: Message, peerMinor: number): Command | undefined {
    if (peerMinor < 1 || !isSubscription(msg)) return undefined;
    const frame = msg[0];
    return { name: frame[0] === 1 ? "SUBSCRIBE" : "CANCEL", data: frame.subarray(1) };
  },
};

/** The publisher side: SUBSCRIBE/CANCEL commands reach the socket as subscription messages. */
export const SUBSCRIPTION_COMMANDS_AS_MESSAGES: WireAdapter = {
  toMessage(command: Command): Message | undefined {
    if (command.name !== "SUBSCRIBE" && command.name !== "CANCEL") return undefined;
    return subscriptionMessage(command.name === "SUBSCRIBE", command.data);
  },
};
