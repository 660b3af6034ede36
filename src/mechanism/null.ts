/**
 * The NULL mechanism (RFC 23): no security; both sides send READY with
 * their metadata. As in libzmq, a socket with a `zapDomain` and an
 * `authenticate` handler asks it about each peer before sending READY
 * (RFC 27 with mechanism "NULL": address-based access control).
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
import {
  askAuthenticator,
  noHandlerRefusal,
  peerError,
  refusal,
  zapDecision,
  type ZapSettings,
} from "./zap.ts";

/** NULL: send READY, expect READY. */
export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly asServer = false;
  peerMetadata: Metadata = new Map();
  userId?: string;
  zapMetadata?: Readonly<Record<string, string>>;

  /**
   * Creates the mechanism for one connection.
   * @param context our side of the connection
   * @param zap the socket's ZAP settings; used only when both a domain and a handler are set
   */
  constructor(private readonly context: MechanismContext, private readonly zap?: ZapSettings) {}

  start(): HandshakeStep | Promise<HandshakeStep> {
    const zap = this.zap;
    const decision = zap === undefined ? "skip" : zapDecision(zap, "NULL");
    if (decision === "refuse") throw noHandlerRefusal("NULL");
    if (decision === "ask") return this.authenticateThenReady(zap!);
    return this.ready();
  }

  private ready(): HandshakeStep {
    const data = readyData(this.context.socketType, this.context.routingId, this.context.metadata);
    return { send: [{ name: "READY", data }], done: false };
  }

  private async authenticateThenReady(zap: ZapSettings): Promise<HandshakeStep> {
    const outcome = await askAuthenticator(zap.authenticate!, {
      domain: zap.zapDomain,
      address: this.context.peerAddress,
      routingId: this.context.routingId ?? new Uint8Array(0),
      mechanism: "NULL",
      credentials: [],
    });
    if (outcome.statusCode !== 200) throw refusal(outcome, "NULL");
    this.userId = outcome.userId;
    this.zapMetadata = outcome.metadata;
    return this.ready();
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name === "READY") {
      this.peerMetadata = decodeMetadata(command.data);
      return { send: [], done: true };
    }
    if (command.name === "ERROR") {
      throw peerError("NULL", parseErrorReason(command.data));
    }
    throw new HandshakeError("protocol", `unexpected ${command.name} during NULL handshake`);
  }
}
