/**
 * The PLAIN mechanism (RFC 24): a user name and password in clear text,
 * checked by the server's ZAP handler (`authenticate`).
 *
 * ```
 * client                         server
 * HELLO (username, password) →
 *                              ← WELCOME            (or ERROR "400")
 * INITIATE (metadata)        →
 *                              ← READY (metadata)
 * ```
 *
 * As in libzmq, the server asks ZAP as soon as HELLO arrives and refuses
 * every client when it has no handler: PLAIN without a password check would
 * only pretend to authenticate.
 *
 * A refusal goes out as libzmq's PLAIN server writes it, `^RROR` instead of
 * `\x05ERROR` (see `LIBZMQ_PLAIN_ERROR_NAME`): libzmq's PLAIN client knows
 * only that form and reports a well-formed ERROR as a protocol error rather
 * than an authentication failure. The client here accepts both forms; a
 * client that accepts only the RFC's form is refused all the same, it just
 * reports the refusal as a protocol error.
 *
 * @module
 */

import {
  type Command,
  errorData,
  LIBZMQ_PLAIN_ERROR_NAME,
  parseErrorReason,
  readyData,
} from "../wire/command.ts";
import { decodeMetadata, type Metadata } from "../wire/metadata.ts";
import {
  HandshakeError,
  type HandshakeStep,
  type Mechanism,
  type MechanismContext,
} from "./mechanism.ts";
import { askAuthenticator, peerError, refusal, type ZapSettings } from "./zap.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** The data of a PLAIN HELLO: length-prefixed user name and password. */
export function plainHelloData(username: Uint8Array, password: Uint8Array): Uint8Array {
  if (username.length > 255 || password.length > 255) {
    throw new RangeError("PLAIN user name and password are limited to 255 bytes each");
  }
  const data = new Uint8Array(2 + username.length + password.length);
  data[0] = username.length;
  data.set(username, 1);
  data[1 + username.length] = password.length;
  data.set(password, 2 + username.length);
  return data;
}

/** Splits a HELLO's data into user name and password, as strictly as libzmq. */
export function parsePlainHello(data: Uint8Array): { username: Uint8Array; password: Uint8Array } {
  if (data.length < 1) throw malformedHello("no user name");
  const userEnd = 1 + data[0];
  if (userEnd + 1 > data.length) throw malformedHello("user name overruns the command");
  const passwordLength = data[userEnd];
  if (userEnd + 1 + passwordLength !== data.length) {
    throw malformedHello("password length does not match the command");
  }
  return {
    username: data.subarray(1, userEnd),
    password: data.subarray(userEnd + 1),
  };
}

/** The body of an ERROR command as libzmq's PLAIN server sends it. */
export function libzmqPlainError(reason: string): Uint8Array {
  const data = errorData(reason);
  const body = new Uint8Array(LIBZMQ_PLAIN_ERROR_NAME.length + data.length);
  body.set(LIBZMQ_PLAIN_ERROR_NAME);
  body.set(data, LIBZMQ_PLAIN_ERROR_NAME.length);
  return body;
}

function malformedHello(what: string): HandshakeError {
  return new HandshakeError("protocol", `malformed PLAIN HELLO: ${what}`);
}

function unexpected(command: Command, state: string): HandshakeError {
  return new HandshakeError("protocol", `unexpected ${command.name} in PLAIN ${state}`);
}

/** PLAIN client: sends the credentials, then its metadata. */
export class PlainClient implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = false;
  peerMetadata: Metadata = new Map();
  private state: "expect-welcome" | "expect-ready" | "done" = "expect-welcome";

  /** Creates the client side of one connection. */
  constructor(
    private readonly context: MechanismContext,
    private readonly username: string,
    private readonly password: string,
  ) {}

  start(): HandshakeStep {
    const data = plainHelloData(utf8.encode(this.username), utf8.encode(this.password));
    return { send: [{ name: "HELLO", data }], done: false };
  }

  onCommand(command: Command): HandshakeStep {
    if (command.name === "ERROR" && this.state !== "done") {
      throw peerError("PLAIN", parseErrorReason(command.data));
    }
    if (command.name === "WELCOME" && this.state === "expect-welcome") {
      if (command.data.length !== 0) {
        throw new HandshakeError("protocol", "malformed PLAIN WELCOME");
      }
      this.state = "expect-ready";
      const data = readyData(
        this.context.socketType,
        this.context.routingId,
        this.context.metadata,
      );
      return { send: [{ name: "INITIATE", data }], done: false };
    }
    if (command.name === "READY" && this.state === "expect-ready") {
      this.peerMetadata = decodeMetadata(command.data);
      this.state = "done";
      return { send: [], done: true };
    }
    throw unexpected(command, `client (${this.state})`);
  }
}

/** PLAIN server: asks `authenticate` about the credentials, then exchanges metadata. */
export class PlainServer implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = true;
  peerMetadata: Metadata = new Map();
  userId?: string;
  zapMetadata?: Readonly<Record<string, string>>;
  private state: "expect-hello" | "authenticating" | "expect-initiate" | "done" = "expect-hello";

  /** Creates the server side of one connection. */
  constructor(
    private readonly context: MechanismContext,
    private readonly zap: ZapSettings,
  ) {}

  start(): HandshakeStep {
    return { send: [], done: false };
  }

  onCommand(command: Command): HandshakeStep | Promise<HandshakeStep> {
    if (command.name === "HELLO" && this.state === "expect-hello") return this.onHello(command);
    if (command.name === "INITIATE" && this.state === "expect-initiate") {
      this.peerMetadata = decodeMetadata(command.data);
      this.state = "done";
      const data = readyData(
        this.context.socketType,
        this.context.routingId,
        this.context.metadata,
      );
      return { send: [{ name: "READY", data }], done: true };
    }
    throw unexpected(command, `server (${this.state})`);
  }

  private async onHello(command: Command): Promise<HandshakeStep> {
    const { username, password } = parsePlainHello(command.data);
    const authenticate = this.zap.authenticate;
    if (authenticate === null) {
      throw new HandshakeError(
        "other",
        "PLAIN server has no authenticate handler, so it refuses every client (as libzmq without ZAP)",
      );
    }
    this.state = "authenticating";
    const outcome = await askAuthenticator(authenticate, {
      domain: this.zap.zapDomain,
      address: this.context.peerAddress,
      routingId: this.context.routingId ?? EMPTY,
      mechanism: "PLAIN",
      username: text.decode(username),
      password: text.decode(password),
      credentials: [username.slice(), password.slice()],
    });
    if (outcome.statusCode !== 200) throw refusal(outcome, "PLAIN", libzmqPlainError);
    this.userId = outcome.userId;
    this.zapMetadata = outcome.metadata;
    this.state = "expect-initiate";
    return { send: [{ name: "WELCOME", data: EMPTY }], done: false };
  }
}
