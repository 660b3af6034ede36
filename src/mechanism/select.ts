/**
 * Chooses a connection's security mechanism from the socket's options.
 *
 * @module
 */

import type { SocketOptions } from "../options.ts";
import type { Mechanism, MechanismContext } from "./mechanism.ts";
import { NullMechanism } from "./null.ts";

/** The mechanism a socket with these options uses for one connection. */
export function createMechanism(_options: SocketOptions, context: MechanismContext): Mechanism {
  return new NullMechanism(context);
}
