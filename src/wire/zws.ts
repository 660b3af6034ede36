/**
 * ZWS 2.0 (RFC 45): ZeroMQ over WebSocket. Each ZMTP frame is one binary
 * WebSocket message: a flags byte (0x01 MORE, 0x02 COMMAND) then the frame
 * body. There is no greeting: the subprotocol agreed in the opening
 * handshake names the mechanism (`ZWS2.0/NULL`, `ZWS2.0/PLAIN`,
 * `ZWS2.0/CURVE`), or is plain `ZWS2.0`: no mechanism, each side first
 * sends its routing id as a message (as ZMTP 2.0 did).
 *
 * This module maps WebSocket messages to ZMTP frames and back, with the
 * same {@link FrameSink} the ZMTP decoder feeds, so the engine handles
 * both alike. Pure: no I/O.
 *
 * @module
 */

import { FLAG_COMMAND, FLAG_MORE, FrameRun, type FrameSink, ProtocolError } from "./frame.ts";
import type { WsFrameSink } from "./websocket.ts";

/** ZWS flag: more frames of this message follow. */
export const ZWS_MORE = 0x01;
/** ZWS flag: this frame is a command. */
export const ZWS_COMMAND = 0x02;

/** The subprotocol without a mechanism (routing ids first, no socket-type check). */
export const ZWS_BARE = "ZWS2.0";

/** The subprotocol for a mechanism: `ZWS2.0/NULL`, `ZWS2.0/PLAIN`, `ZWS2.0/CURVE`. */
export function zwsProtocol(mechanism: string): string {
  return `${ZWS_BARE}/${mechanism}`;
}

/**
 * What a client offers for its mechanism, as libzmq's connecter:
 * `ZWS2.0/NULL,ZWS2.0` for NULL (a bare server can take it too), else
 * just the mechanism's own.
 */
export function offeredProtocols(mechanism: string): string[] {
  return mechanism === "NULL" ? [zwsProtocol("NULL"), ZWS_BARE] : [zwsProtocol(mechanism)];
}

/**
 * The subprotocol a server with `mechanism` picks from a client's offer:
 * its mechanism's own, or bare `ZWS2.0` for a NULL server (browsers can
 * offer nothing else: "/" is not allowed in their subprotocol names);
 * null when there is nothing in common.
 */
export function chooseProtocol(offered: readonly string[], mechanism: string): string | null {
  const own = zwsProtocol(mechanism);
  if (offered.includes(own)) return own;
  if (mechanism === "NULL" && offered.includes(ZWS_BARE)) return ZWS_BARE;
  return null;
}

/** The mechanism a subprotocol names; null for bare `ZWS2.0`. */
export function protocolMechanism(protocol: string): string | null {
  return protocol === ZWS_BARE ? null : protocol.slice(ZWS_BARE.length + 1);
}

/** ZMTP frame flags (MORE 1, COMMAND 4) as ZWS flags (MORE 1, COMMAND 2). */
export function toZwsFlags(zmtpFlags: number): number {
  return (zmtpFlags & FLAG_MORE) | ((zmtpFlags & FLAG_COMMAND) >> 1);
}

/** ZWS flags as ZMTP frame flags. */
export function fromZwsFlags(zwsFlags: number): number {
  return (zwsFlags & ZWS_MORE) | ((zwsFlags & ZWS_COMMAND) << 1);
}

/** What the decoder reports besides frames: the WebSocket's control frames. */
export interface ZwsControl {
  /** A ping: a pong with `payload` is owed. */
  onPing(payload: Uint8Array): void;
  /** A pong (an answer to our heartbeat). */
  onPong(): void;
  /** The peer closed the WebSocket. */
  onClose(code: number, reason: string): void;
}

const INITIAL_SPANS = 1024;

/**
 * Turns WebSocket messages into ZMTP frames for a {@link FrameSink}:
 * complete messages of one read go out together as a {@link FrameRun}
 * (offsets into the read buffer), commands one by one (the sink may stop
 * decoding after a handshake command), and in raw mode every frame as it
 * is (CURVE opens them).
 */
export class ZwsDecoder implements WsFrameSink {
  /** Every frame goes to `onFrame` unassembled (see `FrameDecoder.raw`). */
  raw = false;
  /** Largest accepted command in bytes (-1: no limit). */
  maxCommandSize = -1;
  /** Frames of a message not yet complete, as views. */
  private frames: Uint8Array[] = [];
  private messageBytes = 0;
  private spans = new Int32Array(INITIAL_SPANS);
  private spanLength = 0;
  private openSpans = 0;
  private runMessages = 0;
  private runBuf: Uint8Array | null = null;

  /**
   * @param sink where frames go
   * @param control where pings, pongs and close frames go
   * @param maxMessageSize largest accepted message in bytes (-1: no limit)
   */
  constructor(
    private readonly sink: FrameSink,
    private readonly control: ZwsControl,
    public maxMessageSize = -1,
  ) {}

  /** WsFrameSink: the largest ZWS message accepted (flags byte included; -1: no limit). */
  get maxPayload(): number {
    const limit = Math.max(this.maxMessageSize, this.maxCommandSize);
    return this.maxMessageSize < 0 || this.maxCommandSize < 0 ? -1 : limit + 1;
  }

  /** True while a multipart message has started and not ended. */
  get midMessage(): boolean {
    return this.frames.length > 0 || this.spanLength > 0;
  }

  /** WsFrameSink: one ZWS message. */
  onBinary(buf: Uint8Array, start: number, end: number): boolean {
    if (end <= start) throw new ProtocolError("empty ZWS message (no flags byte)");
    const zws = buf[start];
    if (zws > (ZWS_MORE | ZWS_COMMAND)) {
      throw new ProtocolError(`ZWS message with unknown flags 0x${zws.toString(16)}`);
    }
    const flags = fromZwsFlags(zws);
    const bodyStart = start + 1;
    this.checkSize(flags, end - bodyStart);
    if (buf !== this.runBuf) {
      this.flushRun();
      this.openAsViews();
      this.runBuf = buf;
    }
    if ((flags & FLAG_COMMAND) === 0 && !this.raw && this.frames.length === 0) {
      this.addSpan(flags, bodyStart, end);
      return false;
    }
    return this.frame(flags, buf.subarray(bodyStart, end));
  }

  /** WsFrameSink: the end of a read; complete messages go out. */
  onPassEnd(): void {
    this.flushRun();
    this.openAsViews();
  }

  /** WsFrameSink. */
  onPing(payload: Uint8Array): void {
    this.control.onPing(payload);
  }

  /** WsFrameSink. */
  onPong(): void {
    this.control.onPong();
  }

  /** WsFrameSink. */
  onClose(code: number, reason: string): void {
    this.onPassEnd();
    this.control.onClose(code, reason);
  }

  private checkSize(flags: number, size: number): void {
    if ((flags & FLAG_COMMAND) !== 0) {
      if ((flags & FLAG_MORE) !== 0) throw new ProtocolError("command frame with MORE flag");
      if (this.maxCommandSize >= 0 && size > this.maxCommandSize) {
        throw new ProtocolError(
          `command of ${size} bytes exceeds the limit (${this.maxCommandSize} bytes)`,
          "EMSGSIZE",
        );
      }
      return;
    }
    if (this.maxMessageSize >= 0 && this.messageBytes + size > this.maxMessageSize) {
      throw new ProtocolError(
        `message larger than maxMessageSize (${this.maxMessageSize} bytes)`,
        "EMSGSIZE",
      );
    }
  }

  private addSpan(flags: number, start: number, end: number): void {
    let spans = this.spans;
    const at = this.spanLength;
    if (at + 2 > spans.length) {
      const grown = new Int32Array(spans.length * 2);
      grown.set(spans);
      this.spans = spans = grown;
    }
    spans[at] = start;
    this.spanLength = at + 2;
    if ((flags & FLAG_MORE) !== 0) {
      spans[at + 1] = ~end;
      this.messageBytes += end - start;
      return;
    }
    spans[at + 1] = end;
    this.messageBytes = 0;
    this.runMessages++;
    this.openSpans = at + 2;
  }

  private flushRun(): void {
    const count = this.runMessages;
    if (count === 0) return;
    const complete = this.openSpans;
    const run = new FrameRun(this.runBuf!, this.spans.slice(0, complete), count);
    this.spans.copyWithin(0, complete, this.spanLength);
    this.spanLength -= complete;
    this.openSpans = 0;
    this.runMessages = 0;
    const sink = this.sink;
    if (sink.onMessages !== undefined) sink.onMessages(run);
    else while (run.remaining > 0) sink.onMessage(run.next());
  }

  private openAsViews(): void {
    const length = this.spanLength;
    if (length === 0) return;
    const spans = this.spans;
    const buf = this.runBuf!;
    for (let i = 0; i < length; i += 2) this.frames.push(buf.subarray(spans[i], ~spans[i + 1]));
    this.spanLength = 0;
    this.openSpans = 0;
  }

  /** One frame outside the run; true when the sink asked to stop. */
  private frame(flags: number, body: Uint8Array): boolean {
    if (this.runMessages > 0) this.flushRun();
    if (this.raw) {
      this.sink.onFrame!(flags, body);
      return false;
    }
    if ((flags & FLAG_COMMAND) !== 0) {
      if (this.frames.length > 0 || this.spanLength > 0) {
        throw new ProtocolError("command frame inside a multipart message");
      }
      return this.sink.onCommand(body) === true;
    }
    this.frames.push(body);
    if ((flags & FLAG_MORE) !== 0) {
      this.messageBytes += body.length;
      return false;
    }
    const frames = this.frames;
    this.frames = [];
    this.messageBytes = 0;
    this.sink.onMessage(frames);
    return false;
  }
}

/** A command frame's body: name length, name, data. */
export function commandBody(name: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + name.length + data.length);
  body[0] = name.length;
  for (let i = 0; i < name.length; i++) body[1 + i] = name.charCodeAt(i);
  body.set(data, 1 + name.length);
  return body;
}
