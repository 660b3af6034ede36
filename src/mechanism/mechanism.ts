/**
 * The contract between the engine and a security mechanism (RFC 23/24/26).
 *
 * A mechanism is a state machine over commands: it is given the peer's
 * commands and returns the commands to send. It never touches a socket.
 *
 * @module
 */

import type { Command } from "../wire/command.ts";
import type { Metadata } from "../wire/metadata.ts";

/** What a mechanism returns for each step of the handshake. */
export interface HandshakeStep {
  /** Commands to send to the peer, in order. */
  send: Command[];
  /** True once the mechanism has both sent and received its READY (or equivalent). */
  done: boolean;
}

/** Why a handshake failed, as reported by monitor events. */
export type HandshakeFailure = "protocol" | "auth" | "other";

/**
 * A handshake failure; `errorReason`, when set, is sent to the peer in an
 * ERROR command before closing. `errorCommand`, when set, is the complete
 * command body to send instead (libzmq's PLAIN server sends a malformed
 * ERROR that libzmq's PLAIN client alone understands; see plain.ts).
 */
export class HandshakeError extends Error {
  /** Creates a handshake error of the given kind. */
  constructor(
    readonly kind: HandshakeFailure,
    message: string,
    readonly errorReason?: string,
    readonly errorCommand?: Uint8Array,
  ) {
    super(message);
    this.name = "HandshakeError";
  }
}

/**
 * Frame-level protection after the handshake (CURVE boxes every frame).
 * The engine hands each outgoing frame to `seal` and writes the body it
 * returns with the flags the codec leaves in {@link FrameCodec.flags}; each
 * incoming frame goes to `open`, whose result carries the flags left in
 * `flags`. Flags are ZMTP frame flags (MORE, COMMAND) both ways. Passing
 * flags through a field rather than a returned object keeps the per-frame
 * path free of allocations beyond the crypto's own.
 */
export interface FrameCodec {
  /** The flags of the frame returned by the last `seal` or `open`. */
  readonly flags: number;
  /** Turns one frame into the body of the frame that carries it on the wire. */
  seal(flags: number, body: Uint8Array): Uint8Array;
  /**
   * Turns a frame from the wire back into the body of the frame it carries.
   * `body` views the engine's read buffer and is overwritten later: the
   * result must not share its storage; unless `owned` (a large frame's
   * storage of its own, see `FrameSink.onFrame`), when it may be opened in
   * place.
   */
  open(flags: number, body: Uint8Array, owned?: boolean): Uint8Array;
}

/** A security mechanism for one connection. */
export interface Mechanism {
  /** Name in the greeting: `NULL`, `PLAIN` or `CURVE`. */
  readonly name: string;
  /** The as-server bit of our greeting. */
  readonly asServer: boolean;
  /** Commands to send right after the greetings were exchanged. */
  start(): HandshakeStep | Promise<HandshakeStep>;
  /** Handles one command from the peer during the handshake. */
  onCommand(command: Command): HandshakeStep | Promise<HandshakeStep>;
  /** The peer's metadata, once the handshake is done. */
  readonly peerMetadata: Metadata;
  /** The user id granted by authentication, if any. */
  readonly userId?: string;
  /** Properties granted by authentication (`ZapReply.metadata`), if any. */
  readonly zapMetadata?: Readonly<Record<string, string>>;
  /** Present when data frames must be transformed after the handshake. */
  readonly codec?: FrameCodec;
}

/** What every mechanism needs to know about its side of the connection. */
export interface MechanismContext {
  /** Our ZMTP socket type. */
  socketType: string;
  /** Our routing id, sent as the `Identity` property. */
  routingId?: Uint8Array;
  /** Extra properties to send (the socket's `metadata` option, `X-` names). */
  metadata?: Readonly<Record<string, string>>;
  /** The peer's address, for ZAP requests. */
  peerAddress: string;
}
