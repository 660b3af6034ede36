/**
 * The ZMTP engine: one per connection. It exchanges greetings, runs the
 * mechanism's handshake, then moves whole messages between a byte stream
 * and a {@link Pipe}, answering PINGs and sending heartbeats on the way.
 *
 * Reading: one read into the decoder's buffer, then every complete frame in
 * it is decoded; when the pipe's inbound queue reaches its high-water mark,
 * reading stops until the socket drains it (TCP does the rest).
 * Writing: queued messages are encoded into one batch and written with one
 * write; a flush is scheduled once per burst, not per message.
 *
 * @module
 */

import type { Timer } from "../timer.ts";
import { type ByteStream, ChunkWriter } from "../transport/byte_stream.ts";
import type { Message } from "../message.ts";
import type { PeerInfo, Pipe } from "../pipe/pipe.ts";
import type { WireAdapter } from "../wire/adapter.ts";
import {
  commandBody,
  errorData,
  parseCommand,
  parseErrorReason,
  parsePing,
  pingData,
} from "../wire/command.ts";
import type { Command } from "../wire/command.ts";
import {
  encodedSize,
  encodeMessage,
  FLAG_COMMAND,
  FLAG_MORE,
  FrameDecoder,
  FrameEncoder,
  type FrameRun,
  type FrameSink,
  ProtocolError,
} from "../wire/frame.ts";
import {
  decodeGreeting,
  encodeGreetingTail,
  encodeSignature,
  GREETING_SIZE,
  peerProtocol,
  SIGNATURE_SIZE,
  VERSION_KNOWN_AT,
  ZMTP2_GREETING_SIZE,
  zmtp3Minor,
} from "../wire/greeting.ts";
import { type Metadata, metadataText } from "../wire/metadata.ts";
import { encodeZmtp1Message, Zmtp1Decoder } from "../wire/zmtp1.ts";
import {
  compatibleSocketTypes,
  ZMTP2_SOCKET_TYPES,
  type ZmtpSocketType,
} from "../wire/socket_types.ts";
import {
  type FrameCodec,
  HandshakeError,
  type HandshakeFailure,
  type HandshakeStep,
  type Mechanism,
} from "../mechanism/mechanism.ts";
import { StorageTagger } from "../pipe/properties.ts";
import { EngineBase } from "./engine_base.ts";

const utf8 = new TextEncoder();
/** The identity of a peer that announced none (shared: nobody writes to it). */
const NO_IDENTITY = new Uint8Array(0);

/** PUB and XPUB deliver to a ZMTP 1.0 peer without a subscription from it (as libzmq). */
function isPublisher(type: ZmtpSocketType): boolean {
  return type === "PUB" || type === "XPUB";
}

/** Stop encoding into a batch once it holds this many bytes. */
const BATCH_BYTES = 256 * 1024;
/** Messages up to this size (on the wire) that go out alone are encoded once for every connection. */
const SHARED_ENCODING_BYTES = 8 * 1024;

/**
 * The last message some engine wrote alone (its batch held nothing else),
 * and, once a second engine writes the same message alone, its encoding:
 * one message published to thousands of peers is encoded once, and every
 * connection writes the same bytes. The socket hands each pipe the same
 * array, so identity is the test (a sent message is not changed afterwards:
 * the API says so). A request or a reply is never the same message twice,
 * so it costs them a comparison.
 */
const lastAlone: { msg: Message | null; bytes: Uint8Array | null } = { msg: null, bytes: null };
/**
 * Largest command accepted before the handshake completes. No handshake
 * command comes near it (READY, HELLO, INITIATE carry a few properties);
 * it keeps a stranger from making us buffer a huge frame before we know
 * who it is.
 */
export const MAX_HANDSHAKE_COMMAND = 64 * 1024;

/** Settings the engine takes from its socket. */
export interface EngineConfig {
  socketType: ZmtpSocketType;
  /**
   * Our routing id (empty when unset): sized in our signature, sent to
   * ZMTP 2.0 peers; a ZWS engine without mechanism sends it first.
   */
  routingId: Uint8Array;
  mechanism: Mechanism;
  /**
   * ZMTP 2.0 peers may connect: they run no mechanism, so only with NULL
   * security and no `zapDomain` (libzmq refuses them when ZAP is enabled).
   */
  zmtp2Allowed: boolean;
  /** Largest accepted incoming message in bytes; -1 for no limit. */
  maxMessageSize: number;
  /** A handshake not done within this many ms fails; 0 for no limit. */
  handshakeInterval: number;
  /** Send a PING every this many ms; 0 for none. */
  heartbeatInterval: number;
  /** Close when nothing arrives for this many ms after a PING; -1 = heartbeatInterval. */
  heartbeatTimeout: number;
  /** TTL announced in our PINGs, in ms; 0 for none. */
  heartbeatTimeToLive: number;
  /** What the socket type adds on the wire (SUB's subscriptions as commands, …). */
  wire: WireAdapter;
}

/** How an engine ended. */
export interface EngineStop {
  /** The error that ended it, if it did not end by request or end of stream. */
  error?: unknown;
  /** Set when the connection ended before its handshake completed, with the kind of failure. */
  handshakeFailure?: HandshakeFailure;
  /** True when the handshake had completed. */
  wasReady: boolean;
  /** True when our side closed it ({@link SessionEngine.close}); false when it ended on its own. */
  requested?: boolean;
}

/**
 * What a session needs of the engine that serves one connection: the ZMTP
 * {@link Engine}, or the raw engine of STREAM sockets.
 */
export interface SessionEngine {
  /** The peer's address, for events. */
  readonly address: string;
  /** True while the engine has messages it has not yet written. */
  readonly hasPendingOutput: boolean;
  /** Starts the engine; the outcome goes to its {@link EngineHandler}. */
  start(): void;
  /** Resolves once everything queued so far is written, or the engine stopped. */
  drained(): Promise<void>;
  /** Closes the connection now. */
  close(): void;
}

/** What starting an engine needs of the socket (see the transport's `Link`). */
export interface EngineFactory {
  /** TCP keep-alive: -1 leaves the OS default, 0 off, 1 on. */
  readonly tcpKeepalive: number;
  /**
   * The engine for a new byte-stream connection: ZMTP with a fresh
   * mechanism, or raw bytes for STREAM sockets.
   */
  createEngine(stream: ByteStream, handler: EngineHandler, peerAddress: string): SessionEngine;
  /**
   * Engine settings with a fresh mechanism for one connection, for a
   * transport that brings its own engine (one ZMTP frame per WebSocket
   * message, say).
   */
  engineConfig(peerAddress: string): EngineConfig;
}

/** The session that owns an engine. */
export interface EngineHandler {
  /**
   * The handshake completed: return the pipe the engine should serve.
   * Throw a {@link HandshakeError} to refuse the peer.
   */
  onReady(engine: SessionEngine, peer: PeerInfo): Pipe;
  /** The engine stopped and its connection is closed. */
  onStopped(engine: SessionEngine, stop: EngineStop): void;
}

/** One ZMTP connection; see the module documentation. */
export class Engine extends EngineBase implements FrameSink {
  private readonly decoder: FrameDecoder;
  private readonly encoder = new FrameEncoder();
  private readonly writer: ChunkWriter;
  private readonly mechanism: Mechanism;
  private codec: FrameCodec | undefined;
  /** Records which storage holds this connection's frames (message properties); set at READY. */
  private tagger: StorageTagger | null = null;
  /** Commands received while the handshake runs, handled in order after each read. */
  private handshakeCommands: Command[] = [];
  /** Messages that arrived in the same read as the peer's last handshake command. */
  private early: Message[] = [];
  /** Frames of a message being reassembled from a mechanism's sealed frames. */
  private sealedFrames: Uint8Array[] = [];
  /** Commands of our own waiting for the next batch (PONG, PING, ERROR, handshake). */
  private control: ((encoder: FrameEncoder) => void)[] = [];
  private ready = false;
  private peerMinor = 1;
  /** A ZMTP 2.0 or 1.0 peer's socket type ("" when a 1.0 peer did not say), until its identity arrives. */
  private zmtp2PeerType: string | null = null;
  /** Set for a ZMTP 1.0 peer: its frames' decoder (our messages go out in 1.0 frames too). */
  private zmtp1: Zmtp1Decoder | null = null;
  private handshakeTimer: Timer | undefined;
  private heartbeatTimer: Timer | undefined;
  private heartbeatDeadline: Timer | undefined;
  private ttlTimer: Timer | undefined;
  /** Counts reads; heartbeat timers compare it instead of reading a clock per read. */
  private reads = 0;

  /**
   * @param stream the byte stream
   * @param config the socket's settings
   * @param handler the session that owns this engine
   * @param address the peer's address, for events and ZAP
   */
  constructor(
    private readonly stream: ByteStream,
    private readonly config: EngineConfig,
    handler: EngineHandler,
    readonly address: string,
  ) {
    super(handler);
    this.mechanism = config.mechanism;
    this.writer = new ChunkWriter(stream);
    this.decoder = new FrameDecoder(config.maxMessageSize);
    this.decoder.maxCommandSize = MAX_HANDSHAKE_COMMAND;
  }

  /** Starts the handshake and the read loop; the outcome goes to the handler. */
  start(): void {
    if (this.config.handshakeInterval > 0) {
      this.handshakeTimer = setTimeout(() => {
        this.stop(new HandshakeError("other", "handshake timed out"));
      }, this.config.handshakeInterval);
    }
    this.run().catch((err) => this.fail(err));
  }

  /** Closes the connection now (our decision: not reported as a disconnection). */
  close(): void {
    this.stop(undefined, true);
  }

  // ---- reading -----------------------------------------------------------

  /**
   * The greeting goes out in steps, as libzmq sends it: the signature; the
   * major version once the peer's signature arrived; then, by the peer's
   * version byte, the rest of a ZMTP 3.1 greeting or, for a ZMTP 2.0 peer,
   * our socket type. A ZMTP 3.x peer announcing major 2 or 4+ is answered
   * as 3.1.
   */
  private async run(): Promise<void> {
    const mechanism = this.mechanism;
    const greeting = new Uint8Array(GREETING_SIZE);
    this.sendRaw(encodeSignature(this.config.routingId.length));
    let filled = await this.readGreeting(greeting, 0, SIGNATURE_SIZE);
    if (peerProtocol(greeting, filled) === "zmtp1") {
      return this.runUnversioned(greeting.subarray(0, filled));
    }
    this.sendRaw(Uint8Array.of(3));
    filled = await this.readGreeting(greeting, filled, VERSION_KNOWN_AT);
    const protocol = peerProtocol(greeting, filled);
    if (protocol !== "zmtp3") return this.runZmtp2(greeting, filled, protocol === "zmtp1");
    this.sendRaw(encodeGreetingTail(mechanism.name, mechanism.asServer));
    await this.readGreeting(greeting, filled, GREETING_SIZE);
    const peer = decodeGreeting(greeting);
    if (peer.mechanism !== mechanism.name) {
      throw new HandshakeError(
        "protocol",
        `security mechanism mismatch: we use ${mechanism.name}, the peer ${peer.mechanism}`,
      );
    }
    this.peerMinor = zmtp3Minor(peer);
    const first = await mechanism.start();
    // A mechanism may await (key agreement, authenticate): the engine may have stopped meanwhile.
    if (this.stopped) return;
    this.sendStep(first);
    // Returned, not awaited: this function's frame (the greeting, the first
    // step) is then not kept alive for as long as the connection lasts.
    return this.readLoop();
  }

  /**
   * A ZMTP 2.0 peer (RFC 15), served as libzmq 4.3 serves one: the rest of
   * our greeting is our socket type; no mechanism runs; each side's first
   * message is its identity; subscriptions travel as messages. A peer
   * with version byte 0 (ZMTP 1.0 with a greeting) is the same in ZMTP 1.0
   * frames.
   */
  private async runZmtp2(greeting: Uint8Array, filled: number, zmtp1: boolean): Promise<void> {
    this.checkLegacyAllowed(zmtp1 ? "1.0" : "2.0");
    const ourType = ZMTP2_SOCKET_TYPES.indexOf(this.config.socketType);
    if (ourType < 0) {
      throw new HandshakeError("protocol", `ZMTP 2.0 has no ${this.config.socketType} sockets`);
    }
    this.sendRaw(Uint8Array.of(ourType));
    await this.readGreeting(greeting, filled, ZMTP2_GREETING_SIZE);
    const peerType = ZMTP2_SOCKET_TYPES[greeting[ZMTP2_GREETING_SIZE - 1]];
    if (peerType === undefined) {
      throw new HandshakeError("protocol", `unknown ZMTP 2.0 socket type ${greeting[11]}`);
    }
    this.peerMinor = 0;
    this.zmtp2PeerType = peerType;
    const identity = this.config.routingId;
    if (zmtp1) {
      this.zmtp1 = new Zmtp1Decoder(this.config.maxMessageSize);
      this.sendRaw(encodeZmtp1Message([identity]));
      return this.readZmtp1Loop();
    }
    this.control.push((e) => e.message([identity]));
    this.scheduleFlush();
    return this.readLoop();
  }

  /**
   * A ZMTP 1.0 peer without a greeting (libzmq 2.x): our signature already
   * went out as the header of our identity message (its size field is our
   * routing id's length + 1), so its body follows; what the peer sent so
   * far starts its stream of ZMTP 1.0 frames, its identity first. Its
   * socket type is unknown; a PUB treats it as subscribed to everything,
   * as libzmq does, since such a peer sends no subscriptions.
   */
  private runUnversioned(received: Uint8Array): Promise<void> {
    this.checkLegacyAllowed("1.0");
    this.peerMinor = 0;
    this.zmtp2PeerType = "";
    this.zmtp1 = new Zmtp1Decoder(this.config.maxMessageSize);
    this.sendRaw(this.config.routingId);
    this.zmtp1.push(received, this.onZmtp1Message);
    return this.readZmtp1Loop();
  }

  /** Old peers run no mechanism: only NULL security without ZAP lets them in (as libzmq). */
  private checkLegacyAllowed(version: string): void {
    if (!this.config.zmtp2Allowed) {
      throw new HandshakeError(
        "protocol",
        `a ZMTP ${version} peer cannot use ${this.mechanism.name} security or ZAP`,
      );
    }
  }

  private onZmtp1Message = (frames: Uint8Array[]): void => {
    this.onMessage(frames);
  };

  /** The read loop for ZMTP 1.0 frames. */
  private async readZmtp1Loop(): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    while (!this.stopped) {
      const pipe = this.pipe;
      if (pipe !== null && pipe.inbound.full) {
        await this.roomToRead(pipe);
        if (this.stopped) return;
      }
      const n = await this.stream.read(buffer);
      if (n === null) {
        if (!this.ready) throw new HandshakeError("other", "connection closed during handshake");
        this.stop();
        return;
      }
      this.reads++;
      this.zmtp1!.push(buffer.subarray(0, n), this.onZmtp1Message);
    }
  }

  /**
   * Reads the peer's greeting up to `need` bytes (never past them: frames
   * follow), refusing a ZMTP 1.0 peer as soon as its first bytes show it.
   */
  private async readGreeting(greeting: Uint8Array, filled: number, need: number): Promise<number> {
    while (filled < need) {
      const n = await this.stream.read(greeting.subarray(filled, need));
      if (n === null) throw new HandshakeError("other", "connection closed during greeting");
      filled += n;
      // A peer without a greeting shows itself in its first bytes.
      if (filled < VERSION_KNOWN_AT && peerProtocol(greeting, filled) === "zmtp1") break;
    }
    return filled;
  }

  /** Queues bytes of our greeting. */
  private sendRaw(bytes: Uint8Array): void {
    this.control.push((e) => e.raw(bytes));
    this.scheduleFlush();
  }

  /** A ZMTP 2.0 peer's first message is its identity; with it, the handshake is done. */
  private takeZmtp2Identity(frames: Uint8Array[]): void {
    const peerType = this.zmtp2PeerType!;
    const metadata: Metadata = new Map();
    if (peerType !== "") metadata.set("socket-type", utf8.encode(peerType));
    // A copy: the frame may be a view into the read buffer.
    if (frames[0].length > 0) metadata.set("identity", frames[0].slice());
    this.completeHandshake(metadata);
    if (peerType === "" && isPublisher(this.config.socketType) && this.pipe !== null) {
      this.onMessage([Uint8Array.of(1)]);
    }
  }

  private async readLoop(): Promise<void> {
    const decoder = this.decoder;
    const stream = this.stream;
    while (!this.stopped) {
      const pipe = this.pipe;
      if (pipe !== null && pipe.inbound.full) {
        await this.roomToRead(pipe);
        if (this.stopped) return;
      }
      const n = await stream.read(decoder.readTarget());
      if (n === null) {
        if (!this.ready) throw new HandshakeError("other", "connection closed during handshake");
        this.stop();
        return;
      }
      this.reads++;
      decoder.commit(n, this);
      // During the handshake the decoder stops after each command; what
      // follows is decoded once the mechanism has handled it.
      while (this.handshakeCommands.length > 0 && !this.stopped) {
        await this.processHandshakeCommands();
        if (!this.stopped) decoder.resume(this);
      }
    }
  }

  /** FrameSink: a complete data message. */
  onMessage(frames: Uint8Array[]): void {
    const pipe = this.pipe;
    if (pipe !== null) {
      this.tagger!.tag(frames[frames.length - 1].buffer);
      pipe.inbound.push(frames);
    } else if (this.stopped) return;
    else if (this.zmtp2PeerType !== null) this.takeZmtp2Identity(frames);
    else if (this.handshakeCommands.length > 0) this.early.push(frames);
    else {
      // Only what follows the peer's last handshake command (in the same
      // read) may wait for the handshake; anything before it breaks the
      // protocol, and buffering it would let a stranger fill our memory.
      throw new HandshakeError("protocol", "data frame before the handshake completed");
    }
  }

  /** FrameSink: the messages of one read, queued as they are (each is built when taken). */
  onMessages(run: FrameRun): void {
    const pipe = this.pipe;
    if (pipe !== null) {
      this.tagger!.tag(run.storage);
      pipe.inbound.pushBatch(run);
      return;
    }
    while (run.remaining > 0) this.onMessage(run.next());
  }

  /** FrameSink: a command frame; during the handshake, decoding pauses after it. */
  onCommand(body: Uint8Array): boolean {
    if (this.zmtp2PeerType !== null) throw new ProtocolError("command frame from a ZMTP 2.0 peer");
    const command = parseCommand(body);
    if (this.ready && this.handshakeCommands.length === 0) {
      this.handleCommand(command);
      return false;
    }
    this.handshakeCommands.push(command);
    return !this.ready;
  }

  /** FrameSink in raw mode: a sealed frame for the mechanism's codec to open. */
  onFrame(flags: number, body: Uint8Array, owned = false): void {
    const codec = this.codec!;
    const plain = codec.open(flags, body, owned);
    const plainFlags = codec.flags;
    if ((plainFlags & FLAG_COMMAND) !== 0) {
      if (this.sealedFrames.length > 0) {
        throw new ProtocolError("command frame inside a multipart message");
      }
      this.handleCommand(parseCommand(plain));
      return;
    }
    this.sealedFrames.push(plain);
    if ((plainFlags & FLAG_MORE) !== 0) return;
    const frames = this.sealedFrames;
    this.sealedFrames = [];
    this.onMessage(frames);
  }

  private async processHandshakeCommands(): Promise<void> {
    while (this.handshakeCommands.length > 0 && !this.stopped) {
      const command = this.handshakeCommands.shift()!;
      if (this.ready) {
        this.handleCommand(command);
        continue;
      }
      const step = await this.mechanism.onCommand(command);
      if (this.stopped) return;
      this.sendStep(step);
    }
  }

  private sendStep(step: HandshakeStep): void {
    for (const { name, data } of step.send) this.control.push((e) => e.command(name, data));
    this.scheduleFlush();
    if (step.done && !this.ready) this.completeHandshake();
  }

  private completeHandshake(metadata: Metadata = this.mechanism.peerMetadata): void {
    if (this.ready) return;
    const socketType = metadataText(metadata, "Socket-Type") ?? "";
    // A ZMTP 1.0 peer without a greeting names no socket type: nothing to check (as libzmq).
    const unnamed = this.zmtp2PeerType === "";
    if (!unnamed && !compatibleSocketTypes(this.config.socketType, socketType)) {
      throw new HandshakeError(
        "protocol",
        `a ${this.config.socketType} socket cannot talk to a ${socketType || "nameless"} peer`,
        "Invalid socket type",
      );
    }
    const peer: PeerInfo = {
      socketType: socketType.toUpperCase(),
      identity: metadata.get("identity") ?? NO_IDENTITY,
      metadata,
      address: this.address,
      zmtpMinor: this.peerMinor,
      userId: this.mechanism.userId,
      zapMetadata: this.mechanism.zapMetadata,
    };
    const pipe = this.handler.onReady(this, peer);
    // The socket may have refused the peer and closed us inside onReady.
    if (this.stopped) return;
    this.ready = true;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    const tagger = new StorageTagger(peer);
    this.tagger = tagger;
    this.codec = this.mechanism.codec;
    if (this.codec !== undefined) this.decoder.raw = true;
    this.servePipe(pipe);
    // After the handshake a command is held to the same limit as a message (as libzmq).
    this.decoder.maxCommandSize = this.config.maxMessageSize;
    for (const msg of this.early) {
      tagger.tag(msg[msg.length - 1].buffer);
      pipe.inbound.push(msg);
    }
    this.early = [];
    this.startHeartbeats();
    this.scheduleFlush();
  }

  /** Commands after the handshake: heartbeats and errors here; the socket type's through its adapter. */
  private handleCommand(command: Command): void {
    switch (command.name) {
      case "PING": {
        const { ttlMs, context } = parsePing(command.data);
        if (ttlMs > 0) this.armPeerTtl(ttlMs);
        const reply = context.slice();
        this.sendCommand("PONG", reply);
        return;
      }
      case "PONG":
        return;
      case "ERROR":
        throw new ProtocolError(`peer sent ERROR: ${parseErrorReason(command.data)}`);
      default: {
        // RFC 37: unknown commands are ignored.
        const msg = this.config.wire.toMessage?.(command);
        if (msg !== undefined) this.onMessage(msg);
        return;
      }
    }
  }

  // ---- writing -----------------------------------------------------------

  /** Queues a command of our own for the next batch. */
  sendCommand(name: string, data: Uint8Array): void {
    if (this.stopped) return;
    const codec = this.codec;
    if (codec !== undefined) {
      const body = commandBody(name, data);
      this.control.push((e) => {
        const sealed = codec.seal(FLAG_COMMAND, body);
        e.frame(sealed, codec.flags);
      });
    } else {
      this.control.push((e) => e.command(name, data));
    }
    this.scheduleFlush();
  }

  /** EngineBase: our commands, then queued messages, encoded into one batch and written. */
  protected writeBatch(): Promise<unknown> | null {
    const writer = this.writer;
    if (!writer.busy) {
      const shared = this.sharedEncoding();
      if (shared !== null) {
        writer.beginOne(shared);
        return writer.step();
      }
      const encoder = this.encoder;
      this.encodeBatch(encoder);
      const chunks = encoder.take();
      if (chunks.length === 0) return null;
      writer.begin(chunks);
    }
    return writer.step();
  }

  /** EngineBase: one write of the batch is done; true once all of it is. */
  protected override batchWritten(result: unknown): boolean {
    return this.writer.advance(result as number | void);
  }

  /** EngineBase: closes the byte stream. */
  protected closeTransport(): void {
    this.stream.close();
  }

  /** EngineBase: a write failed. */
  protected writeFailed(error: unknown): void {
    this.fail(error);
  }

  /**
   * When the batch would be one plain message that another engine wrote
   * alone just before (fan-out), takes it and returns its shared encoding;
   * otherwise null (and remembers a lone message for the next engine).
   */
  private sharedEncoding(): Uint8Array | null {
    const pipe = this.pipe;
    if (
      pipe === null || pipe.outbound.length !== 1 || this.control.length > 0 ||
      this.codec !== undefined || this.zmtp1 !== null || this.config.wire.toCommand !== undefined
    ) return null;
    const msg = pipe.outbound.peek()!;
    if (msg !== lastAlone.msg) {
      lastAlone.msg = encodedSize(msg) <= SHARED_ENCODING_BYTES ? msg : null;
      lastAlone.bytes = null;
      return null;
    }
    pipe.outbound.shift();
    return lastAlone.bytes ??= encodeMessage(msg);
  }

  private encodeBatch(encoder: FrameEncoder): void {
    const control = this.control;
    if (control.length > 0) {
      this.control = [];
      for (let i = 0; i < control.length; i++) control[i](encoder);
    }
    const pipe = this.pipe;
    if (pipe === null) return;
    const queue = pipe.outbound;
    if (this.zmtp1 !== null) {
      while (encoder.size < BATCH_BYTES) {
        const msg = queue.shift();
        if (msg === undefined) break;
        encoder.raw(encodeZmtp1Message(msg));
      }
      return;
    }
    const codec = this.codec;
    const toCommand = this.config.wire.toCommand;
    if (codec === undefined && toCommand === undefined) {
      // The common case, kept free of per-message checks.
      while (encoder.size < BATCH_BYTES) {
        const msg = queue.shift();
        if (msg === undefined) break;
        encoder.message(msg);
      }
      return;
    }
    const peerMinor = this.peerMinor;
    while (encoder.size < BATCH_BYTES) {
      const msg = queue.shift();
      if (msg === undefined) break;
      const command = toCommand?.(msg, peerMinor);
      if (command === undefined) {
        if (codec !== undefined) this.encodeSealed(encoder, codec, msg);
        else encoder.message(msg);
      } else if (codec !== undefined) {
        // ZMTP 3.1 inside the box too (SUBSCRIBE/CANCEL as libzmq 4.3.5 sends them).
        encoder.frame(
          codec.seal(FLAG_COMMAND, commandBody(command.name, command.data)),
          codec.flags,
        );
      } else encoder.command(command.name, command.data);
    }
  }

  private encodeSealed(encoder: FrameEncoder, codec: FrameCodec, msg: Message): void {
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      const sealed = codec.seal(i < last ? FLAG_MORE : 0, msg[i]);
      encoder.frame(sealed, codec.flags);
    }
  }

  // ---- heartbeats ----------------------------------------------------------

  private startHeartbeats(): void {
    const interval = this.config.heartbeatInterval;
    if (interval <= 0 || this.peerMinor < 1) return;
    const timeout = this.config.heartbeatTimeout >= 0 ? this.config.heartbeatTimeout : interval;
    this.heartbeatTimer = setInterval(() => {
      this.sendCommand("PING", pingData(this.config.heartbeatTimeToLive));
      if (this.heartbeatDeadline !== undefined || timeout <= 0) return;
      const readsAtPing = this.reads;
      this.heartbeatDeadline = setTimeout(() => {
        this.heartbeatDeadline = undefined;
        if (this.silentSince(readsAtPing)) this.stop(new ProtocolError("heartbeat timed out"));
      }, timeout);
    }, interval);
  }

  /** The peer asked to be dropped if it stays silent for `ttlMs` (its PING's TTL). */
  private armPeerTtl(ttlMs: number): void {
    clearTimeout(this.ttlTimer);
    const readsAtPing = this.reads;
    this.ttlTimer = setTimeout(() => {
      this.ttlTimer = undefined;
      if (this.silentSince(readsAtPing)) {
        this.stop(new ProtocolError("peer's heartbeat TTL expired"));
      }
    }, ttlMs);
  }

  /**
   * True when nothing was read since the read count was `reads`, and not
   * because we stopped reading: while our socket's receive queue is full the
   * peer's PONGs wait in the kernel, and a slow consumer is not a dead peer
   * (libzmq drops such connections; we do not).
   */
  private silentSince(reads: number): boolean {
    return this.reads === reads && !this.readPaused;
  }

  // ---- ending --------------------------------------------------------------

  /** Ends the engine after an error, telling the peer why first when there is a reason to give. */
  private async fail(error: unknown): Promise<void> {
    if (this.stopped) return;
    if (error instanceof HandshakeError && error.errorReason !== undefined) {
      const reason = error.errorReason;
      const body = error.errorCommand;
      this.control.push((e) => {
        if (body !== undefined) e.frame(body, FLAG_COMMAND);
        else e.command("ERROR", errorData(reason));
      });
      await this.flushLastWords();
    }
    this.stop(error);
  }

  private stop(error?: unknown, requested = false): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.handshakeTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.heartbeatDeadline);
    clearTimeout(this.ttlTimer);
    this.reportStop(this.ready, error, requested);
  }
}
