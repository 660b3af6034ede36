/**
 * The ZWS engine (RFC 45): one per WebSocket connection. Like the ZMTP
 * {@link Engine} it runs the mechanism's handshake and then moves whole
 * messages between a {@link Pipe} and the connection, but over a
 * {@link WsChannel}: the WebSocket's opening handshake picks the mechanism
 * (no greeting), each ZMTP frame is one WebSocket message, heartbeats are
 * WebSocket pings, and subscriptions travel as `\x01prefix`/`\x00prefix`
 * messages (libzmq's ws engine drops SUBSCRIBE commands). With bare
 * `ZWS2.0` there is no mechanism: each side sends its routing id as its
 * first message.
 *
 * Reading: the channel decodes every message of one read and hands the
 * complete ones over as one batch; a full inbound queue holds the channel.
 * Writing: queued messages go into one batch of WebSocket frames, written
 * with one write; a flush is scheduled once per burst.
 *
 * @module
 */

import type { Timer } from "../timer.ts";
import { EngineBase } from "./engine_base.ts";
import type { Message } from "../message.ts";
import type { PeerInfo, Pipe } from "../pipe/pipe.ts";
import { errorData, parseCommand, parseErrorReason } from "../wire/command.ts";
import type { Command } from "../wire/command.ts";
import {
  FLAG_COMMAND,
  FLAG_MORE,
  type FrameRun,
  type FrameSink,
  ProtocolError,
} from "../wire/frame.ts";
import { metadataText } from "../wire/metadata.ts";
import { compatibleSocketTypes } from "../wire/socket_types.ts";
import {
  commandBody,
  protocolMechanism,
  toZwsFlags,
  ZWS_COMMAND,
  ZWS_MORE,
  type ZwsControl,
  ZwsDecoder,
} from "../wire/zws.ts";
import {
  type FrameCodec,
  HandshakeError,
  type HandshakeStep,
  type Mechanism,
} from "../mechanism/mechanism.ts";
import { StorageTagger } from "../pipe/properties.ts";
import type { WsChannel } from "../transport/ws_channel.ts";
import { type EngineConfig, type EngineHandler, MAX_HANDSHAKE_COMMAND } from "./engine.ts";

/** Stop encoding into a batch once it holds this many bytes. */
const BATCH_BYTES = 256 * 1024;
/** WebSocket close codes (RFC 6455 7.4.1). */
const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_TOO_BIG = 1009;

/** One ZWS connection; see the module documentation. */
export class WsEngine extends EngineBase implements FrameSink, ZwsControl {
  private readonly decoder: ZwsDecoder;
  private readonly mechanism: Mechanism;
  private codec: FrameCodec | undefined;
  /** Records which storage holds this connection's frames (message properties); set when ready. */
  private tagger: StorageTagger | null = null;
  /** True for bare `ZWS2.0`: no mechanism, the first message is the peer's routing id. */
  private bare = false;
  private handshakeCommands: Command[] = [];
  private handshaking = false;
  private early: Message[] = [];
  private sealedFrames: Uint8Array[] = [];
  /** Our own frames waiting for the next batch (handshake, ERROR, pongs, pings). */
  private control: ((channel: WsChannel) => void)[] = [];
  private ready = false;
  private held = false;
  private closeSent = false;
  /** True once the opening handshake is done: frames can be sent. */
  private opened = false;
  private handshakeTimer: Timer | undefined;
  private heartbeatTimer: Timer | undefined;
  private heartbeatDeadline: Timer | undefined;
  /** Counts arrivals; heartbeat timers compare it instead of reading a clock. */
  private reads = 0;

  /**
   * @param channel the WebSocket connection, opening handshake not yet done
   * @param config the socket's settings
   * @param handler the session that owns this engine
   */
  constructor(
    private readonly channel: WsChannel,
    private readonly config: EngineConfig,
    handler: EngineHandler,
  ) {
    super(handler);
    this.mechanism = config.mechanism;
    this.decoder = new ZwsDecoder(this, this, config.maxMessageSize);
    this.decoder.maxCommandSize = MAX_HANDSHAKE_COMMAND;
  }

  /** The peer's address, for events. */
  get address(): string {
    return this.channel.address;
  }

  /** Starts the opening handshake and the read loop; the outcome goes to the handler. */
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

  private async run(): Promise<void> {
    const mechanism = this.mechanism;
    const protocol = await this.channel.open(mechanism.name);
    if (this.stopped) return;
    this.opened = true;
    const named = protocolMechanism(protocol);
    if (named !== null && named !== mechanism.name) {
      throw new HandshakeError(
        "protocol",
        `security mechanism mismatch: we use ${mechanism.name}, the peer ${named}`,
      );
    }
    const reading = this.channel.run(this.decoder);
    if (named === null) {
      this.bare = true;
      const id = this.config.routingId;
      this.control.push((c) => c.send(0, id));
      this.scheduleFlush();
    } else {
      const first = await mechanism.start();
      if (this.stopped) return;
      this.sendStep(first);
    }
    await reading;
    if (!this.ready) throw new HandshakeError("other", "connection closed during handshake");
    this.stop();
  }

  /** FrameSink: a complete data message. */
  onMessage(frames: Uint8Array[]): void {
    this.reads++;
    const pipe = this.pipe;
    if (pipe !== null) {
      this.tagger!.tag(frames[frames.length - 1].buffer);
      pipe.inbound.push(frames);
      if (pipe.inbound.full) this.holdReading(pipe);
    } else if (this.bare && !this.ready) this.completeBare(frames);
    else if (this.handshakeCommands.length > 0) this.early.push(frames);
    else throw new HandshakeError("protocol", "data frame before the handshake completed");
  }

  /** FrameSink: the messages of one read, queued as they are. */
  onMessages(run: FrameRun): void {
    this.reads++;
    const pipe = this.pipe;
    if (pipe !== null) {
      this.tagger!.tag(run.storage);
      pipe.inbound.pushBatch(run);
      if (pipe.inbound.full) this.holdReading(pipe);
      return;
    }
    while (run.remaining > 0) this.onMessage(run.next());
  }

  /** FrameSink: a command frame; during the handshake, decoding pauses after it. */
  onCommand(body: Uint8Array): boolean {
    this.reads++;
    const command = parseCommand(body);
    if (this.ready && this.handshakeCommands.length === 0) {
      this.handleCommand(command);
      return false;
    }
    this.handshakeCommands.push(command);
    if (this.ready) return false;
    if (!this.handshaking) {
      this.handshaking = true;
      queueMicrotask(() => this.processHandshake());
    }
    return true;
  }

  /** FrameSink in raw mode: a sealed frame for the mechanism's codec to open. */
  onFrame(flags: number, body: Uint8Array): void {
    this.reads++;
    const codec = this.codec!;
    const plain = codec.open(flags, body);
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

  /** ZwsControl: a ping; the pong goes out with the next batch. */
  onPing(payload: Uint8Array): void {
    this.reads++;
    const copy = payload.slice();
    this.control.push((c) => c.pong(copy));
    this.scheduleFlush();
  }

  /** ZwsControl: a pong, the answer to our heartbeat. */
  onPong(): void {
    this.reads++;
  }

  /** ZwsControl: the peer closed; answer with a close frame (RFC 6455 5.5.1) and end. */
  onClose(code: number, reason: string): void {
    if (!this.closeSent) {
      this.closeSent = true;
      this.control.push((c) => c.sendClose(code === 1005 ? CLOSE_NORMAL : code, ""));
      this.scheduleFlush();
    }
    const detail = `peer closed the WebSocket (${code}${reason === "" ? "" : ` ${reason}`})`;
    if (!this.ready) {
      this.fail(new HandshakeError("other", `${detail} during the handshake`));
      return;
    }
    // Give the close frame a moment to go out, then end as a disconnection.
    this.drained().then(() => this.stop());
  }

  private holdReading(pipe: Pipe): void {
    if (this.held) return;
    this.held = true;
    this.channel.hold(true);
    pipe.inbound.waitForSpace();
  }

  private wakeReader = (): void => {
    if (!this.held) return;
    this.held = false;
    this.channel.hold(false);
  };

  private async processHandshake(): Promise<void> {
    try {
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
    } catch (err) {
      this.fail(err);
      return;
    } finally {
      this.handshaking = false;
    }
    if (this.stopped) return;
    try {
      this.channel.resume();
    } catch (err) {
      this.fail(err);
    }
  }

  private sendStep(step: HandshakeStep): void {
    for (const { name, data } of step.send) {
      const body = commandBody(name, data);
      this.control.push((c) => c.send(ZWS_COMMAND, body));
    }
    this.scheduleFlush();
    if (step.done && !this.ready) this.completeHandshake();
  }

  /** Bare `ZWS2.0`: the peer's first message is its routing id. */
  private completeBare(frames: Uint8Array[]): void {
    if (frames.length !== 1) throw new HandshakeError("protocol", "multipart routing id message");
    const peer: PeerInfo = {
      socketType: "",
      identity: frames[0].slice(),
      metadata: new Map(),
      address: this.address,
      zmtpMinor: 1,
      userId: undefined,
    };
    this.attach(peer);
  }

  private completeHandshake(): void {
    if (this.ready) return;
    const metadata = this.mechanism.peerMetadata;
    const socketType = metadataText(metadata, "Socket-Type") ?? "";
    if (!compatibleSocketTypes(this.config.socketType, socketType)) {
      throw new HandshakeError(
        "protocol",
        `a ${this.config.socketType} socket cannot talk to a ${socketType || "nameless"} peer`,
        "Invalid socket type",
      );
    }
    this.attach({
      socketType: socketType.toUpperCase(),
      identity: metadata.get("identity") ?? new Uint8Array(0),
      metadata,
      address: this.address,
      zmtpMinor: 1,
      userId: this.mechanism.userId,
      zapMetadata: this.mechanism.zapMetadata,
    });
  }

  private attach(peer: PeerInfo): void {
    const pipe = this.handler.onReady(this, peer);
    if (this.stopped) return;
    this.ready = true;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    const tagger = new StorageTagger(peer);
    this.tagger = tagger;
    this.codec = this.bare ? undefined : this.mechanism.codec;
    if (this.codec !== undefined) this.decoder.raw = true;
    this.pipe = pipe;
    this.decoder.maxCommandSize = this.config.maxMessageSize;
    pipe.outbound.onData = this.scheduleFlush;
    pipe.inbound.onSpace = this.wakeReader;
    for (const msg of this.early) {
      tagger.tag(msg[msg.length - 1].buffer);
      pipe.inbound.push(msg);
    }
    this.early = [];
    this.startHeartbeats();
    this.scheduleFlush();
  }

  /**
   * Commands after the handshake. Heartbeats are WebSocket pings, not PING
   * commands; what the socket type reads from commands (SUBSCRIBE at a
   * publisher) it gets as messages.
   */
  private handleCommand(command: Command): void {
    if (command.name === "ERROR") {
      throw new ProtocolError(`peer sent ERROR: ${parseErrorReason(command.data)}`);
    }
    // RFC 37: unknown commands (a ZMTP PING, too) are ignored.
    const msg = this.config.wire.toMessage?.(command);
    if (msg !== undefined) this.onMessage(msg);
  }

  // ---- writing -----------------------------------------------------------

  /** EngineBase: our frames, then queued messages, into the channel; one flush per batch. */
  protected writeBatch(): Promise<void> | null {
    const channel = this.channel;
    this.encodeBatch(channel);
    return channel.queuedBytes === 0 ? null : channel.flush();
  }

  /** EngineBase: closes the WebSocket. */
  protected closeTransport(): void {
    this.channel.close();
  }

  /** EngineBase: a write failed. */
  protected writeFailed(error: unknown): void {
    this.fail(error);
  }

  private encodeBatch(channel: WsChannel): void {
    const control = this.control;
    if (control.length > 0) {
      this.control = [];
      for (let i = 0; i < control.length; i++) control[i](channel);
    }
    const pipe = this.pipe;
    if (pipe === null || this.closeSent) return;
    const queue = pipe.outbound;
    const codec = this.codec;
    while (channel.queuedBytes < BATCH_BYTES) {
      const msg = queue.shift();
      if (msg === undefined) break;
      if (codec !== undefined) {
        this.encodeSealed(channel, codec, msg);
        continue;
      }
      const last = msg.length - 1;
      for (let i = 0; i < last; i++) channel.send(ZWS_MORE, msg[i]);
      channel.send(0, msg[last]);
    }
  }

  private encodeSealed(channel: WsChannel, codec: FrameCodec, msg: Message): void {
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      const sealed = codec.seal(i < last ? FLAG_MORE : 0, msg[i]);
      channel.send(toZwsFlags(codec.flags), sealed);
    }
  }

  // ---- heartbeats ----------------------------------------------------------

  private startHeartbeats(): void {
    const interval = this.config.heartbeatInterval;
    if (interval <= 0 || !this.channel.canPing) return;
    const timeout = this.config.heartbeatTimeout >= 0 ? this.config.heartbeatTimeout : interval;
    this.heartbeatTimer = setInterval(() => {
      this.control.push((c) => c.ping());
      this.scheduleFlush();
      if (this.heartbeatDeadline !== undefined || timeout <= 0) return;
      const readsAtPing = this.reads;
      this.heartbeatDeadline = setTimeout(() => {
        this.heartbeatDeadline = undefined;
        if (this.reads === readsAtPing && !this.held) {
          this.stop(new ProtocolError("heartbeat timed out"));
        }
      }, timeout);
    }, interval);
  }

  // ---- ending --------------------------------------------------------------

  private async fail(error: unknown): Promise<void> {
    if (this.stopped) return;
    let reason: string | undefined;
    if (error instanceof HandshakeError && error.errorReason !== undefined) {
      const body = error.errorCommand ?? commandBody("ERROR", errorData(error.errorReason));
      this.control.push((c) => c.send(ZWS_COMMAND, body));
    } else if (error instanceof ProtocolError && !this.closeSent) {
      reason = error.message;
      const code = error.code === "EMSGSIZE" ? CLOSE_TOO_BIG : CLOSE_PROTOCOL_ERROR;
      this.closeSent = true;
      this.control.push((c) => c.sendClose(code, reason!));
    }
    if (this.control.length > 0 && this.opened) await this.flushLastWords();
    this.stop(error);
  }

  private stop(error?: unknown, requested = false): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.handshakeTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.heartbeatDeadline);
    this.reportStop(this.ready, error, requested);
  }
}
