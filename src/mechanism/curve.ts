/**
 * The CURVE mechanism (RFC 26, CurveZMQ): a handshake that authenticates
 * the server by its long-term key and the client by its own, gives each
 * connection fresh (transient) keys, then boxes every frame.
 *
 * ```
 * client (C, c; knows S)                 server (S, s)
 * HELLO   C', Box[64 zeros](C'→S)   →
 *                                    ← WELCOME Box[S' + cookie](S→C')
 * INITIATE cookie, Box[C + vouch + metadata](C'→S')   →     (ZAP here)
 *                                    ← READY Box[metadata](S'→C')   or ERROR
 * MESSAGE Box[flags + body](C'→S')  ⇄  MESSAGE Box[flags + body](S'→C')
 * ```
 *
 * cookie = nonce + Box[C' + s'](K), K a key only this server connection
 * knows; vouch = nonce + Box[C' + S](C→S'), proof that the owner of C
 * speaks through C' to this server. Short nonces (8 bytes, after a 16-byte
 * prefix per command and direction) start at 1 and must strictly increase;
 * a MESSAGE whose nonce does not is refused, so replays and reordering end
 * the connection. Wire layout as libzmq 4.3.5: MESSAGE travels as a data
 * frame (flags 0) whose plaintext starts with a flags byte (MORE = 1,
 * COMMAND = 2).
 *
 * Cost per frame: one buffer for the wire frame (the message is encrypted
 * straight into it) and one for the opened plaintext (decrypted straight
 * from the received frame); the key is precomputed once
 * (crypto_box_beforenm) and the nonce buffers are reused.
 *
 * @module
 */

import { concatBytes } from "../message.ts";
import { zmqError } from "../errors.ts";
import { type Command, parseErrorReason, readyData } from "../wire/command.ts";
import { FLAG_COMMAND, FLAG_MORE, ProtocolError } from "../wire/frame.ts";
import { decodeMetadata, type Metadata } from "../wire/metadata.ts";
import {
  boxKey,
  equalBytes,
  KEY_SIZE,
  openBox,
  PrefixedBoxKey,
  randomBytes,
  type RawKeyPair,
  sealBox,
  type X25519Backend,
  x25519Backend,
  x25519PublicKey,
} from "./crypto.ts";
import {
  type FrameCodec,
  HandshakeError,
  type HandshakeStep,
  type Mechanism,
  type MechanismContext,
} from "./mechanism.ts";
import { z85Decode, z85Encode } from "./z85.ts";
import {
  askAuthenticator,
  noHandlerRefusal,
  peerError,
  refusal,
  zapDecision,
  type ZapSettings,
} from "./zap.ts";

// ---- keys ------------------------------------------------------------------

/**
 * A new CURVE key pair, both keys as 40-character Z85 strings (libzmq's
 * `zmq_curve_keypair`). Give the public key to peers; keep the secret key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { curveKeyPair, Pull, Push } from "@zmtp/zmq";
 * const server = curveKeyPair();
 * const client = curveKeyPair();
 * const pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey });
 * await pull.bind("tcp://127.0.0.1:*");
 * const push = new Push({
 *   curveServerKey: server.publicKey,
 *   curvePublicKey: client.publicKey,
 *   curveSecretKey: client.secretKey,
 * });
 * push.connect(pull.lastEndpoint!);
 * await push.send("encrypted on the wire");
 * const [text] = await pull.receive();
 * assert.equal(new TextDecoder().decode(text), "encrypted on the wire");
 * push.close();
 * pull.close();
 * ```
 */
export function curveKeyPair(): { publicKey: string; secretKey: string } {
  const secretKey = randomBytes(KEY_SIZE);
  const keys = {
    publicKey: z85Encode(x25519PublicKey(secretKey)),
    secretKey: z85Encode(secretKey),
  };
  secretKey.fill(0);
  return keys;
}

/**
 * The public key that belongs to a CURVE secret key (libzmq's
 * `zmq_curve_public`), Z85-encoded: a server can print the key its
 * clients need without storing it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { curveKeyPair, curvePublicKey } from "@zmtp/zmq";
 * const { publicKey, secretKey } = curveKeyPair();
 * assert.equal(curvePublicKey(secretKey), publicKey);
 * ```
 *
 * @throws {ZmqError} `EINVAL` when `secretKey` is not 40 Z85 characters or 32 bytes.
 */
export function curvePublicKey(secretKey: string | Uint8Array): string {
  return z85Encode(x25519PublicKey(curveKeyBytes(secretKey, "secretKey")));
}

/**
 * A key option as 32 bytes: a 40-character Z85 string or 32 bytes as they
 * are. Throws `EINVAL` naming the option otherwise.
 */
export function curveKeyBytes(key: string | Uint8Array, option: string): Uint8Array {
  if (typeof key === "string") {
    if (key.length !== 40) {
      throw zmqError(
        "EINVAL",
        `${option} must be 40 Z85 characters or 32 bytes, got ${key.length} characters`,
      );
    }
    try {
      return z85Decode(key);
    } catch (err) {
      throw zmqError("EINVAL", `${option} is not valid Z85: ${(err as Error).message}`, err);
    }
  }
  if (key instanceof Uint8Array && key.length === KEY_SIZE) return key.slice();
  throw zmqError("EINVAL", `${option} must be 40 Z85 characters or 32 bytes`);
}

// ---- wire constants ----------------------------------------------------------

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const HELLO_PREFIX = ascii("CurveZMQHELLO---");
const WELCOME_PREFIX = ascii("WELCOME-");
const COOKIE_PREFIX = ascii("COOKIE--");
const VOUCH_PREFIX = ascii("VOUCH---");
const INITIATE_PREFIX = ascii("CurveZMQINITIATE");
const READY_PREFIX = ascii("CurveZMQREADY---");
/** MESSAGE nonce prefix of what the client sends. */
export const CLIENT_MESSAGE_PREFIX: Uint8Array = ascii("CurveZMQMESSAGEC");
/** MESSAGE nonce prefix of what the server sends. */
export const SERVER_MESSAGE_PREFIX: Uint8Array = ascii("CurveZMQMESSAGES");
const MESSAGE_NAME = ascii("\x07MESSAGE");

/** Data sizes (after the command name) that libzmq sends and expects. */
const HELLO_SIZE = 194;
const WELCOME_SIZE = 160;
const MIN_INITIATE_SIZE = 248;
const MIN_READY_SIZE = 24;

/** A 24-byte nonce: `prefix` followed by `tail`. */
function nonceOf(prefix: Uint8Array, tail: Uint8Array): Uint8Array {
  const nonce = new Uint8Array(24);
  nonce.set(prefix);
  nonce.set(tail, prefix.length);
  return nonce;
}

/** An 8-byte big-endian short nonce. */
function shortNonce(value: number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64(out, 0, value);
  return out;
}

function writeU64(out: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / 2 ** 32);
  const low = value >>> 0;
  out[at] = high >>> 24;
  out[at + 1] = (high >>> 16) & 0xff;
  out[at + 2] = (high >>> 8) & 0xff;
  out[at + 3] = high & 0xff;
  out[at + 4] = low >>> 24;
  out[at + 5] = (low >>> 16) & 0xff;
  out[at + 6] = (low >>> 8) & 0xff;
  out[at + 7] = low & 0xff;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** An 8-byte short nonce as a number (exact below 2^53, far beyond any connection's count). */
function readU64(bytes: Uint8Array, at: number): number {
  return readU32(bytes, at) * 2 ** 32 + readU32(bytes, at + 4);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

function protocolFailure(message: string): HandshakeError {
  return new HandshakeError("protocol", `CURVE: ${message}`);
}

// ---- MESSAGE codec -----------------------------------------------------------

/**
 * Boxes and unboxes frames after the handshake, per RFC 26's MESSAGE
 * command: `\x07MESSAGE`, short nonce, Box[flags + body].
 */
export class CurveCodec implements FrameCodec {
  flags = 0;
  /** The short nonce (last 8 bytes of the full nonce) of the next MESSAGE each way. */
  private readonly sendNonce = new Uint8Array(8);
  private readonly receiveNonce = new Uint8Array(8);
  private readonly sendBox: PrefixedBoxKey;
  private readonly receiveBox: PrefixedBoxKey;
  /** Where sealed frames and opened plaintexts are carved from. */
  private readonly sendSlab = new BoxSlab();
  private readonly receiveSlab = new BoxSlab();
  /** The short nonce of our next MESSAGE. */
  private nextNonce: number;
  /** The last short nonce the peer used: its next one must be larger. */
  private peerHigh: number;
  private peerLow: number;

  /**
   * @param key the precomputed key of the transient key pairs
   * @param sendPrefix our MESSAGE nonce prefix
   * @param receivePrefix the peer's MESSAGE nonce prefix
   * @param nextNonce the short nonce of our first MESSAGE
   * @param lastPeerNonce the last short nonce the peer used in the handshake
   */
  constructor(
    key: Uint8Array,
    sendPrefix: Uint8Array,
    receivePrefix: Uint8Array,
    nextNonce: number,
    lastPeerNonce: number,
  ) {
    this.sendBox = new PrefixedBoxKey(key, sendPrefix);
    this.receiveBox = new PrefixedBoxKey(key, receivePrefix);
    this.nextNonce = nextNonce;
    this.peerHigh = Math.floor(lastPeerNonce / 2 ** 32);
    this.peerLow = lastPeerNonce >>> 0;
  }

  seal(flags: number, body: Uint8Array): Uint8Array {
    // Layout: [0..8) name, [8..16) short nonce, [16..32) MAC, [32] flags, [33..) body;
    // the box is sealed into the frame: ciphertext at [32..), the MAC at [16..32).
    const out = this.sendSlab.take(body.length + 33);
    out[32] = ((flags & FLAG_MORE) !== 0 ? 1 : 0) | ((flags & FLAG_COMMAND) !== 0 ? 2 : 0);
    const nonce = this.sendNonce;
    writeU64(nonce, 0, this.nextNonce++);
    // The body is read once, by the cipher, straight into the box.
    this.sendBox.sealInto(nonce, out, 33, body);
    out.set(MESSAGE_NAME, 0);
    out.set(nonce, 8);
    this.flags = 0;
    return out;
  }

  open(_flags: number, body: Uint8Array, owned = false): Uint8Array {
    if (body.length < 33 || !startsWithMessage(body)) {
      throw new ProtocolError("CURVE: expected a MESSAGE command");
    }
    const high = readU32(body, 8);
    const low = readU32(body, 12);
    if (high < this.peerHigh || (high === this.peerHigh && low <= this.peerLow)) {
      throw new ProtocolError("CURVE: MESSAGE nonce did not increase (replayed or reordered)");
    }
    const nonce = this.receiveNonce;
    for (let i = 0; i < 8; i++) nonce[i] = body[8 + i];
    // The frame already has the layout opening works in: MAC at [16..32), ciphertext from 32.
    // A large frame's own storage is opened in place (one allocation per
    // message, not two); a view into the read buffer, valid only during this
    // call, is opened straight into storage of its own.
    const plain = owned ? body : this.receiveSlab.take(body.length);
    if (!this.receiveBox.openInto(nonce, body, plain)) {
      throw new ProtocolError("CURVE: MESSAGE failed authentication (altered or wrong key)");
    }
    this.peerHigh = high;
    this.peerLow = low;
    const flags = plain[32];
    this.flags = ((flags & 1) !== 0 ? FLAG_MORE : 0) | ((flags & 2) !== 0 ? FLAG_COMMAND : 0);
    return plain.subarray(33);
  }
}

/**
 * Buffers for boxes, carved from shared 16 KiB slabs at 8-byte aligned
 * offsets, so a small frame costs a view instead of an ArrayBuffer of its own
 * (an allocation and a GC-tracked backing store per frame). A slab is never
 * reused: the frames carved from it keep it alive, as the read slab does.
 * Boxes over 4 KiB get their own buffer.
 */
class BoxSlab {
  private slab: Uint8Array = new Uint8Array(0);
  private used = 0;

  take(length: number): Uint8Array {
    if (length > BOX_SLAB_SIZE / 4) return new Uint8Array(length);
    if (this.used + length > this.slab.length) {
      this.slab = new Uint8Array(BOX_SLAB_SIZE);
      this.used = 0;
    }
    const start = this.used;
    this.used = (start + length + 7) & ~7;
    return this.slab.subarray(start, start + length);
  }
}

const BOX_SLAB_SIZE = 16 * 1024;

function startsWithMessage(body: Uint8Array): boolean {
  for (let i = 0; i < 8; i++) if (body[i] !== MESSAGE_NAME[i]) return false;
  return true;
}

// ---- client ----------------------------------------------------------------

/** Long-term keys of a CURVE client. */
export interface CurveClientKeys {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  serverKey: Uint8Array;
}

/** CURVE client: proves it knows the server's key, then vouches for its own. */
export class CurveClient implements Mechanism {
  readonly name = "CURVE";
  readonly asServer = false;
  peerMetadata: Metadata = new Map();
  codec?: CurveCodec;
  private state: "start" | "expect-welcome" | "expect-ready" | "done" = "start";
  private backend!: X25519Backend;
  private transient!: RawKeyPair;
  /** Key of C' and S: HELLO's signature and WELCOME's box. */
  private helloKey!: Uint8Array;
  /** Key of C' and S': INITIATE, READY and every MESSAGE. */
  private sessionKey!: Uint8Array;

  /** Creates the client side of one connection. */
  constructor(
    private readonly context: MechanismContext,
    private readonly keys: CurveClientKeys,
    backend?: X25519Backend,
  ) {
    if (backend !== undefined) this.backend = backend;
  }

  async start(): Promise<HandshakeStep> {
    this.backend ??= await x25519Backend();
    this.transient = await this.backend.generate();
    try {
      this.helloKey = await boxKey(this.keys.serverKey, this.transient.secretKey, this.backend);
    } catch {
      throw new HandshakeError("other", "CURVE: curveServerKey is not a usable public key");
    }
    const nonce = shortNonce(1);
    const signature = sealBox(this.helloKey, nonceOf(HELLO_PREFIX, nonce), new Uint8Array(64));
    const data = new Uint8Array(HELLO_SIZE);
    data[0] = 1; // CurveZMQ version 1.0; 72 bytes of anti-amplification padding follow
    data.set(this.transient.publicKey, 74);
    data.set(nonce, 106);
    data.set(signature, 114);
    this.state = "expect-welcome";
    return { send: [{ name: "HELLO", data }], done: false };
  }

  onCommand(command: Command): HandshakeStep | Promise<HandshakeStep> {
    const state = this.state;
    if (command.name === "ERROR" && (state === "expect-welcome" || state === "expect-ready")) {
      throw peerError("CURVE", parseErrorReason(command.data));
    }
    if (command.name === "WELCOME" && state === "expect-welcome") {
      return this.onWelcome(command.data);
    }
    if (command.name === "READY" && state === "expect-ready") return this.onReady(command.data);
    throw protocolFailure(`unexpected ${command.name} in client state ${state}`);
  }

  private async onWelcome(data: Uint8Array): Promise<HandshakeStep> {
    if (data.length !== WELCOME_SIZE) throw protocolFailure("malformed WELCOME");
    const plain = openBox(
      this.helloKey,
      nonceOf(WELCOME_PREFIX, data.subarray(0, 16)),
      data.subarray(16),
    );
    if (plain === null) throw protocolFailure("cannot open WELCOME");
    const serverTransient = plain.slice(0, 32);
    const cookie = plain.slice(32, 128);
    const keys = this.keys;
    const [sessionKey, vouchKey] = await Promise.all([
      boxKey(serverTransient, this.transient.secretKey, this.backend),
      boxKey(serverTransient, keys.secretKey, this.backend),
    ]).catch(() => {
      throw protocolFailure("server's transient key is not usable");
    });
    this.sessionKey = sessionKey;
    const vouchNonce = randomBytes(16);
    const vouch = sealBox(
      vouchKey,
      nonceOf(VOUCH_PREFIX, vouchNonce),
      concat(this.transient.publicKey, keys.serverKey),
    );
    const metadata = readyData(
      this.context.socketType,
      this.context.routingId,
      this.context.metadata,
    );
    const nonce = shortNonce(2);
    const box = sealBox(
      sessionKey,
      nonceOf(INITIATE_PREFIX, nonce),
      concat(keys.publicKey, vouchNonce, vouch, metadata),
    );
    this.transient.secretKey.fill(0);
    this.state = "expect-ready";
    return { send: [{ name: "INITIATE", data: concat(cookie, nonce, box) }], done: false };
  }

  private onReady(data: Uint8Array): HandshakeStep {
    if (data.length < MIN_READY_SIZE) throw protocolFailure("malformed READY");
    const nonce = data.subarray(0, 8);
    const plain = openBox(this.sessionKey, nonceOf(READY_PREFIX, nonce), data.subarray(8));
    if (plain === null) throw protocolFailure("cannot open READY");
    this.peerMetadata = decodeMetadata(plain);
    this.codec = new CurveCodec(
      this.sessionKey,
      CLIENT_MESSAGE_PREFIX,
      SERVER_MESSAGE_PREFIX,
      3,
      readU64(nonce, 0),
    );
    this.state = "done";
    return { send: [], done: true };
  }
}

// ---- server ----------------------------------------------------------------

/**
 * The public key of the last server secret key seen, per backend: a server
 * socket derives it once instead of per connection (an X25519 base-point
 * multiplication each). Holds what the socket's options hold already.
 */
const serverKeys = new WeakMap<
  X25519Backend,
  { secretKey: Uint8Array; publicKey: Promise<Uint8Array> }
>();

function serverPublicKey(secretKey: Uint8Array, backend: X25519Backend): Promise<Uint8Array> {
  const known = serverKeys.get(backend);
  if (known !== undefined && equalBytes(known.secretKey, secretKey)) return known.publicKey;
  const publicKey = backend.publicKey(secretKey);
  serverKeys.set(backend, { secretKey: secretKey.slice(), publicKey });
  publicKey.catch(() => {
    if (serverKeys.get(backend)?.publicKey === publicKey) serverKeys.delete(backend);
  });
  return publicKey;
}

/** CURVE server: proves it holds the secret key of the public key its clients know. */
export class CurveServer implements Mechanism {
  readonly name = "CURVE";
  readonly asServer = true;
  peerMetadata: Metadata = new Map();
  userId?: string;
  zapMetadata?: Readonly<Record<string, string>>;
  codec?: CurveCodec;
  private state: "start" | "expect-hello" | "expect-initiate" | "authenticating" | "done" = "start";
  private backend!: X25519Backend;
  private publicKey!: Uint8Array;
  private transient!: RawKeyPair;
  private clientTransient!: Uint8Array;
  /** The key of this connection's cookie; nobody else ever knows it. */
  private readonly cookieKey = randomBytes(32);
  private lastPeerNonce = 0;

  /** Creates the server side of one connection. */
  constructor(
    private readonly context: MechanismContext,
    private readonly secretKey: Uint8Array,
    private readonly zap: ZapSettings,
    backend?: X25519Backend,
  ) {
    if (backend !== undefined) this.backend = backend;
  }

  async start(): Promise<HandshakeStep> {
    this.backend ??= await x25519Backend();
    [this.transient, this.publicKey] = await Promise.all([
      this.backend.generate(),
      serverPublicKey(this.secretKey, this.backend),
    ]);
    this.state = "expect-hello";
    return { send: [], done: false };
  }

  onCommand(command: Command): Promise<HandshakeStep> {
    if (command.name === "HELLO" && this.state === "expect-hello") {
      return this.onHello(command.data);
    }
    if (command.name === "INITIATE" && this.state === "expect-initiate") {
      return this.onInitiate(command.data);
    }
    throw protocolFailure(`unexpected ${command.name} in server state ${this.state}`);
  }

  private async onHello(data: Uint8Array): Promise<HandshakeStep> {
    if (data.length !== HELLO_SIZE) throw protocolFailure("malformed HELLO");
    if (data[0] !== 1 || data[1] !== 0) {
      throw protocolFailure(`unsupported version ${data[0]}.${data[1]} in HELLO`);
    }
    this.clientTransient = data.slice(74, 106);
    const nonce = data.subarray(106, 114);
    let helloKey: Uint8Array;
    try {
      helloKey = await boxKey(this.clientTransient, this.secretKey, this.backend);
    } catch {
      throw protocolFailure("client's transient key is not usable");
    }
    if (openBox(helloKey, nonceOf(HELLO_PREFIX, nonce), data.subarray(114)) === null) {
      throw protocolFailure("cannot open HELLO: the client has the wrong server key");
    }
    this.lastPeerNonce = readU64(nonce, 0);
    const cookieNonce = randomBytes(16);
    const cookie = sealBox(
      this.cookieKey,
      nonceOf(COOKIE_PREFIX, cookieNonce),
      concat(this.clientTransient, this.transient.secretKey),
    );
    const welcomeNonce = randomBytes(16);
    const box = sealBox(
      helloKey,
      nonceOf(WELCOME_PREFIX, welcomeNonce),
      concat(this.transient.publicKey, cookieNonce, cookie),
    );
    this.state = "expect-initiate";
    return { send: [{ name: "WELCOME", data: concat(welcomeNonce, box) }], done: false };
  }

  private async onInitiate(data: Uint8Array): Promise<HandshakeStep> {
    if (data.length < MIN_INITIATE_SIZE) throw protocolFailure("malformed INITIATE");
    const cookie = openBox(
      this.cookieKey,
      nonceOf(COOKIE_PREFIX, data.subarray(0, 16)),
      data.subarray(16, 96),
    );
    if (
      cookie === null ||
      !equalBytes(cookie.subarray(0, 32), this.clientTransient) ||
      !equalBytes(cookie.subarray(32, 64), this.transient.secretKey)
    ) {
      throw protocolFailure("INITIATE carries an invalid cookie");
    }
    const nonce = data.subarray(96, 104);
    const shortValue = readU64(nonce, 0);
    if (shortValue <= this.lastPeerNonce) throw protocolFailure("INITIATE nonce did not increase");
    const sessionKey = await boxKey(this.clientTransient, this.transient.secretKey, this.backend);
    const plain = openBox(sessionKey, nonceOf(INITIATE_PREFIX, nonce), data.subarray(104));
    if (plain === null || plain.length < 128) throw protocolFailure("cannot open INITIATE");
    const clientKey = plain.slice(0, 32);
    await this.checkVouch(clientKey, plain.subarray(32, 48), plain.subarray(48, 128));
    this.peerMetadata = decodeMetadata(plain.subarray(128));
    this.transient.secretKey.fill(0);
    await this.authenticate(clientKey);
    const readyNonce = shortNonce(1);
    const box = sealBox(
      sessionKey,
      nonceOf(READY_PREFIX, readyNonce),
      readyData(this.context.socketType, this.context.routingId, this.context.metadata),
    );
    this.codec = new CurveCodec(
      sessionKey,
      SERVER_MESSAGE_PREFIX,
      CLIENT_MESSAGE_PREFIX,
      2,
      shortValue,
    );
    this.state = "done";
    return { send: [{ name: "READY", data: concat(readyNonce, box) }], done: true };
  }

  /** The vouch must be C' and S boxed from C to S': the owner of C sent this client here. */
  private async checkVouch(clientKey: Uint8Array, nonce: Uint8Array, box: Uint8Array) {
    let vouchKey: Uint8Array;
    try {
      vouchKey = await boxKey(clientKey, this.transient.secretKey, this.backend);
    } catch {
      throw protocolFailure("client's public key is not usable");
    }
    const vouch = openBox(vouchKey, nonceOf(VOUCH_PREFIX, nonce), box);
    if (
      vouch === null ||
      !equalBytes(vouch.subarray(0, 32), this.clientTransient) ||
      !equalBytes(vouch.subarray(32, 64), this.publicKey)
    ) {
      throw protocolFailure("INITIATE carries an invalid vouch");
    }
  }

  /** ZAP with the client's long-term key; without a handler every client is let in, as libzmq. */
  private async authenticate(clientKey: Uint8Array): Promise<void> {
    const decision = zapDecision(this.zap, "CURVE");
    if (decision === "refuse") throw noHandlerRefusal("CURVE");
    if (decision === "skip") return;
    this.state = "authenticating";
    const outcome = await askAuthenticator(this.zap.authenticate!, {
      domain: this.zap.zapDomain,
      address: this.context.peerAddress,
      routingId: this.context.routingId ?? new Uint8Array(0),
      mechanism: "CURVE",
      publicKey: z85Encode(clientKey),
      credentials: [clientKey],
    });
    if (outcome.statusCode !== 200) throw refusal(outcome, "CURVE");
    this.userId = outcome.userId;
    this.zapMetadata = outcome.metadata;
  }
}
