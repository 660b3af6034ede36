/**
 * ZMTP 1.0 framing (RFC 13), for the oldest peers libzmq 4.3 still serves
 * (libzmq 2.x): each frame is a length that counts the flags byte and the
 * body (one byte, or 0xFF and eight bytes), a flags byte (bit 0: more
 * frames follow) and the body. There are no commands.
 *
 * @module
 */

import { concatBytes } from "../message.ts";
import { ProtocolError } from "./frame.ts";

const MORE = 1;

/** Encodes one message in ZMTP 1.0 frames. */
export function encodeZmtp1Message(frames: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < frames.length; i++) {
    const body = frames[i];
    const size = body.length + 1;
    const header = size < 0xff ? new Uint8Array(2) : new Uint8Array(10);
    if (size < 0xff) header[0] = size;
    else {
      header[0] = 0xff;
      new DataView(header.buffer).setBigUint64(1, BigInt(size));
    }
    header[header.length - 1] = i < frames.length - 1 ? MORE : 0;
    parts.push(header, body);
  }
  return concatBytes(parts);
}

/**
 * Incremental ZMTP 1.0 decoder: give it bytes as they arrive, it hands out
 * whole messages. Storage follows the bytes received, never a declared size.
 */
export class Zmtp1Decoder {
  private pending = new Uint8Array(0);
  private frames: Uint8Array[] = [];
  private messageBytes = 0;

  /** @param maxMessageSize largest accepted message in bytes (-1: no limit) */
  constructor(private readonly maxMessageSize = -1) {}

  /** Decodes what `bytes` completes; `onMessage` gets each whole message. */
  push(bytes: Uint8Array, onMessage: (frames: Uint8Array[]) => void): void {
    let data = this.pending.length === 0 ? bytes : concatBytes([this.pending, bytes]);
    for (;;) {
      if (data.length < 1) break;
      let headerSize = 1;
      let size = data[0];
      if (size === 0xff) {
        if (data.length < 9) break;
        const declared = new DataView(data.buffer, data.byteOffset + 1, 8).getBigUint64(0);
        if (declared > BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new ProtocolError("ZMTP 1.0 frame size out of range");
        }
        size = Number(declared);
        headerSize = 9;
      }
      if (size === 0) throw new ProtocolError("ZMTP 1.0 frame without a flags byte");
      const bodySize = size - 1;
      if (this.maxMessageSize >= 0 && this.messageBytes + bodySize > this.maxMessageSize) {
        throw new ProtocolError("message larger than maxMessageSize");
      }
      if (data.length < headerSize + size) break;
      const flags = data[headerSize];
      const body = data.slice(headerSize + 1, headerSize + size);
      data = data.subarray(headerSize + size);
      this.frames.push(body);
      this.messageBytes += bodySize;
      if ((flags & MORE) === 0) {
        const message = this.frames;
        this.frames = [];
        this.messageBytes = 0;
        onMessage(message);
      }
    }
    this.pending = data.slice();
  }
}
