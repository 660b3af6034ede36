/**
 * Chooses a connection's security mechanism from the socket's options, as
 * libzmq does from its ZMQ_CURVE_* and ZMQ_PLAIN_* options:
 *
 * | options set                                   | mechanism            |
 * |-----------------------------------------------|----------------------|
 * | `curveServer` (+ `curveSecretKey`)            | CURVE server         |
 * | `curveServerKey` (+ our key pair)             | CURVE client         |
 * | `plainServer`                                 | PLAIN server         |
 * | `plainUsername` and/or `plainPassword`        | PLAIN client         |
 * | none of these                                 | NULL                 |
 *
 * {@link checkSecurityOptions} refuses contradictory or incomplete settings
 * when `bind`/`connect` is called, so mistakes surface as `EINVAL` there
 * rather than as failed handshakes later.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { SocketOptions } from "../options.ts";
import { equalBytes, x25519PublicKey } from "./crypto.ts";
import { CurveClient, curveKeyBytes, CurveServer } from "./curve.ts";
import {
  HandshakeError,
  type HandshakeStep,
  type Mechanism,
  type MechanismContext,
} from "./mechanism.ts";
import { NullMechanism } from "./null.ts";
import { PlainClient, PlainServer } from "./plain.ts";

/** The security options a mechanism is chosen from. */
export type SecurityOptions = Pick<
  SocketOptions,
  | "plainServer"
  | "plainUsername"
  | "plainPassword"
  | "curveServer"
  | "curvePublicKey"
  | "curveSecretKey"
  | "curveServerKey"
  | "zapDomain"
  | "zapEnforceDomain"
  | "authenticate"
>;

type Role = "null" | "plain-client" | "plain-server" | "curve-client" | "curve-server";

function roleOf(options: SecurityOptions): Role {
  if (options.curveServer) return "curve-server";
  if (options.curveServerKey !== null) return "curve-client";
  if (options.plainServer) return "plain-server";
  if (options.plainUsername !== null || options.plainPassword !== null) return "plain-client";
  return "null";
}

/** The name of the mechanism a socket with these options uses: NULL, PLAIN or CURVE. */
export function mechanismName(options: SecurityOptions): "NULL" | "PLAIN" | "CURVE" {
  const role = roleOf(options);
  return role === "null" ? "NULL" : role.startsWith("curve") ? "CURVE" : "PLAIN";
}

const utf8 = new TextEncoder();

/**
 * Throws `EINVAL` when the security options cannot work: two mechanisms or
 * both roles at once, a missing or malformed key, a public key that does not
 * belong to the secret key, or PLAIN credentials over 255 bytes.
 */
export function checkSecurityOptions(options: SecurityOptions): void {
  const curve = options.curveServer || options.curveServerKey !== null;
  const plain = options.plainServer || options.plainUsername !== null ||
    options.plainPassword !== null;
  if (curve && plain) throw zmqError("EINVAL", "set either CURVE or PLAIN options, not both");
  if (options.curveServer && options.curveServerKey !== null) {
    throw zmqError(
      "EINVAL",
      "curveServer and curveServerKey exclude each other: a socket is either the CURVE server or a client",
    );
  }
  if (options.plainServer && (options.plainUsername !== null || options.plainPassword !== null)) {
    throw zmqError("EINVAL", "plainServer excludes plainUsername/plainPassword");
  }
  if (options.authenticate !== null && typeof options.authenticate !== "function") {
    throw zmqError("EINVAL", "authenticate must be a function");
  }
  const role = roleOf(options);
  if (role === "plain-server" && options.zapEnforceDomain === true && !options.zapDomain) {
    // libzmq asserts here; a PLAIN server that may ask no handler refuses everyone.
    throw zmqError("EINVAL", "a PLAIN server with zapEnforceDomain needs a zapDomain");
  }
  if (role === "curve-server") {
    const secret = requiredKey(options.curveSecretKey, "curveSecretKey", "a CURVE server");
    if (options.curvePublicKey !== null) checkKeyPair(options.curvePublicKey, secret);
  } else if (role === "curve-client") {
    curveKeyBytes(options.curveServerKey!, "curveServerKey");
    const secret = requiredKey(options.curveSecretKey, "curveSecretKey", "a CURVE client");
    if (options.curvePublicKey === null) {
      throw zmqError("EINVAL", "a CURVE client needs curvePublicKey (see curveKeyPair())");
    }
    checkKeyPair(options.curvePublicKey, secret);
  } else if (role === "plain-client") {
    for (const name of ["plainUsername", "plainPassword"] as const) {
      const value = options[name] ?? "";
      if (typeof value !== "string") throw zmqError("EINVAL", `${name} must be a string`);
      if (utf8.encode(value).length > 255) {
        throw zmqError("EINVAL", `${name} is longer than PLAIN's 255 bytes`);
      }
    }
  }
}

function requiredKey(
  key: string | Uint8Array | null,
  option: string,
  who: string,
): Uint8Array {
  if (key === null) throw zmqError("EINVAL", `${who} needs ${option} (see curveKeyPair())`);
  return curveKeyBytes(key, option);
}

function checkKeyPair(publicKey: string | Uint8Array, secret: Uint8Array): void {
  const given = curveKeyBytes(publicKey, "curvePublicKey");
  if (!equalBytes(given, x25519PublicKey(secret))) {
    throw zmqError("EINVAL", "curvePublicKey is not the public key of curveSecretKey");
  }
}

/**
 * The mechanism a socket with these options uses for one connection. Never
 * throws: options changed into something unusable after `bind`/`connect`
 * give a mechanism that fails the handshake with the reason.
 */
export function createMechanism(options: SecurityOptions, context: MechanismContext): Mechanism {
  try {
    return buildMechanism(options, context);
  } catch (err) {
    return new FailedMechanism(err instanceof Error ? err.message : String(err));
  }
}

function buildMechanism(options: SecurityOptions, context: MechanismContext): Mechanism {
  const zap = {
    authenticate: options.authenticate,
    zapDomain: options.zapDomain ?? "",
    enforceDomain: options.zapEnforceDomain === true,
  };
  switch (roleOf(options)) {
    case "curve-server":
      return new CurveServer(
        context,
        curveKeyBytes(options.curveSecretKey!, "curveSecretKey"),
        zap,
      );
    case "curve-client":
      return new CurveClient(context, {
        publicKey: curveKeyBytes(options.curvePublicKey!, "curvePublicKey"),
        secretKey: curveKeyBytes(options.curveSecretKey!, "curveSecretKey"),
        serverKey: curveKeyBytes(options.curveServerKey!, "curveServerKey"),
      });
    case "plain-server":
      return new PlainServer(context, zap);
    case "plain-client":
      return new PlainClient(context, options.plainUsername ?? "", options.plainPassword ?? "");
    default:
      return new NullMechanism(context, zap);
  }
}

/** Stands in for a mechanism whose options became unusable; fails at once. */
class FailedMechanism implements Mechanism {
  readonly name = "NULL";
  readonly asServer = false;
  readonly peerMetadata = new Map();

  constructor(private readonly reason: string) {}

  start(): HandshakeStep {
    throw new HandshakeError("other", `security options are unusable: ${this.reason}`);
  }

  onCommand(): HandshakeStep {
    throw new HandshakeError("other", this.reason);
  }
}
