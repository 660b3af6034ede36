/**
 * What a socket type adds on the wire, handed by the type to the engines
 * of its connections (as libzmq's radio_session_t and dish_session_t do):
 * outgoing messages that travel as commands, and incoming commands that
 * reach the socket as messages. The engine knows no socket type's
 * commands; it asks the adapter. SUB/XSUB subscriptions (SUBSCRIBE and
 * CANCEL for ZMTP 3.1 peers) are one; DISH's JOIN/LEAVE are another.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { Command } from "./command.ts";

/** A socket type's wire additions; both parts are optional. */
export interface WireAdapter {
  /**
   * The command an outgoing message travels as to a peer speaking ZMTP
   * 3.`peerMinor`, or undefined to send it as a message. Called for every
   * outgoing message of the types that have it, so it must be cheap.
   */
  readonly toCommand?: (msg: Message, peerMinor: number) => Command | undefined;
  /**
   * The message a received command stands for, or undefined to ignore the
   * command (RFC 37: unknown commands are ignored).
   */
  readonly toMessage?: (command: Command) => Message | undefined;
}

/** The adapter of types that add nothing on the wire. */
export const NO_WIRE_ADAPTER: WireAdapter = {};
