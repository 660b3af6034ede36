/**
 * Subscriptions travel between sockets as one-frame messages: `\x01prefix`
 * subscribes, `\x00prefix` cancels (ZMTP 3.0's form; the engine turns them
 * into SUBSCRIBE/CANCEL commands for ZMTP 3.1 peers and back).
 *
 * @module
 */

import type { Message } from "../message.ts";

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
