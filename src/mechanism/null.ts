/**
 * The NULL mechanism (RFC 23): no security; both sides send READY with
 * their metadata.
 *
 * @module
 */

import { type Command, parseErrorReason, readyData } from "../wire/command.ts";
import { decodeMetadata, type Metadata } from "../wire/metadata.ts";
import {
  HandshakeError,
  type HandshakeStep,
  type Mechanism,
  type MechanismContext,
} from "./mechanism.ts";

/** NULL: send READY, expect READY. */
export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly asServer = false;
  peerMetadata: Metadata = new Map();

  /** Creates the mechanism for one connection. */
  constructor(private readonly context: MechanismContext) {}

  start(): HandshakeStep {
    const data = readyData(this.context.socketType, this.context.routingId);
    return { send: [{ name: "READY", data }], done: false };
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name === "READY") {
      this.peerMetadata = decodeMetadata(command.data);
      return { send: [], done: true };
    }
    if (command.name === "ERROR") {
      throw new HandshakeError("other", `peer refused: ${parseErrorReason(command.data)}`);
    }
    throw new HandshakeError("protocol", `unexpected ${command.name} during NULL handshake`);
  }
}
