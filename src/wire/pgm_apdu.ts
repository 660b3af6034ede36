/**
 * libzmq's framing of messages inside PGM data packets (pgm_sender.cpp,
 * pgm_receiver.cpp): each APDU (one ODATA TSDU; libzmq never fragments)
 * starts with a 2-byte big-endian offset of the first message that begins
 * in it (0xffff: none does), followed by a slice of one continuous stream of
 * ZMTP/1.0 frames: a length byte counting the flags byte and body (or 0xff
 * and 8 bytes of that length), a flags byte whose bit 0 means "more", the
 * body. A receiver joins a source at the first APDU whose offset is not
 * 0xffff, and again after a loss it cannot repair.
 *
 * @module
 */

import type { Message } from "../message.ts";

/** Offset value of an APDU in which no message begins. */
export const NO_MESSAGE_START = 0xffff;

const MORE = 0x01;

/**
 * Cuts a stream of messages into APDUs of at most `maxTsdu` bytes, exactly
 * as libzmq's pgm_sender: as many frames as fit, a frame continued in the
 * next APDU when it does not.
 */
export class ApduWriter {
  /** The frame being written: its header, its body, how much is out. */
  #header = new Uint8Array(10);
  #headerLength = 0;
  #body: Uint8Array = new Uint8Array(0);
  #written = 0;
  #pending = false;
  /** The last frame taken had the MORE flag. */
  #more = false;
  /** The rest of the message being written, frame by frame. */
  #frames: Message = [];
  #frameIndex = 0;

  constructor(readonly maxTsdu: number) {
    if (maxTsdu < 3) throw new RangeError("an APDU needs room for its offset and a byte");
  }

  /** A frame is partly written: the next APDU continues it. */
  get midFrame(): boolean {
    return this.#pending;
  }

  /**
   * The next APDU: continues the frame in progress, then takes messages
   * from `nextMessage` while they fit. Null when there is nothing to send.
   */
  next(nextMessage: () => Message | null): Uint8Array | null {
    const apdu = new Uint8Array(this.maxTsdu);
    let pos = this.#continue(apdu, 2);
    let offset = NO_MESSAGE_START;
    while (pos < apdu.length) {
      if (!this.#more && offset === NO_MESSAGE_START) offset = pos - 2;
      if (!this.#takeFrame(nextMessage)) break;
      pos = this.#continue(apdu, pos);
    }
    if (pos === 2) return null;
    apdu[0] = offset >> 8;
    apdu[1] = offset & 0xff;
    return apdu.subarray(0, pos);
  }

  #takeFrame(nextMessage: () => Message | null): boolean {
    if (this.#frameIndex >= this.#frames.length) {
      const message = nextMessage();
      if (message === null) return false;
      this.#frames = message.length ? message : [new Uint8Array(0)];
      this.#frameIndex = 0;
    }
    const body = this.#frames[this.#frameIndex++];
    this.#more = this.#frameIndex < this.#frames.length;
    const size = body.length + 1;
    const h = this.#header;
    if (size < 0xff) {
      h[0] = size;
      h[1] = this.#more ? MORE : 0;
      this.#headerLength = 2;
    } else {
      h[0] = 0xff;
      new DataView(h.buffer).setBigUint64(1, BigInt(size));
      h[9] = this.#more ? MORE : 0;
      this.#headerLength = 10;
    }
    this.#body = body;
    this.#written = 0;
    this.#pending = true;
    if (!this.#more) this.#frames = [];
    return true;
  }

  /** Writes what is left of the current frame into `apdu` from `pos`. */
  #continue(apdu: Uint8Array, pos: number): number {
    if (!this.#pending) return pos;
    if (this.#written < this.#headerLength) {
      const n = Math.min(this.#headerLength - this.#written, apdu.length - pos);
      apdu.set(this.#header.subarray(this.#written, this.#written + n), pos);
      pos += n;
      this.#written += n;
      if (this.#written < this.#headerLength) return pos;
    }
    const done = this.#written - this.#headerLength;
    const n = Math.min(this.#body.length - done, apdu.length - pos);
    apdu.set(this.#body.subarray(done, done + n), pos);
    pos += n;
    this.#written += n;
    if (this.#written === this.#headerLength + this.#body.length) this.#pending = false;
    return pos;
  }
}

/** Why a source's stream was dropped until its next message boundary. */
export type ApduError = "EPROTO" | "EMSGSIZE";

/**
 * Rebuilds messages from one source's APDUs, in sequence order, as
 * libzmq's pgm_receiver with its v1 decoder. Frame bodies that lie within
 * one APDU are views into it.
 */
export class ApduReader {
  #joined = false;
  /** Frames of the message being read. */
  #frames: Uint8Array[] = [];
  /** Header bytes gathered so far (length byte, 8-byte length, flags). */
  #header = new Uint8Array(10);
  #headerHave = 0;
  #headerNeed = 1;
  /** Body being gathered across APDUs, or null while reading a header. */
  #body: Uint8Array | null = null;
  #bodyHave = 0;
  #more = false;

  /** @param maxMessageSize largest frame accepted (libzmq's ZMQ_MAXMSGSIZE), -1: any */
  constructor(readonly maxMessageSize = -1) {}

  /** Whether the reader is in step with the source's message boundaries. */
  get joined(): boolean {
    return this.#joined;
  }

  /** Forgets the partial message: the next APDU with a message start rejoins. */
  reset(): void {
    this.#joined = false;
    this.#frames = [];
    this.#headerHave = 0;
    this.#headerNeed = 1;
    this.#body = null;
    this.#bodyHave = 0;
  }

  /**
   * Reads one APDU; pushes each message it completes to `out`. On a framing
   * error the reader resets (and rejoins later) and the error is returned.
   */
  push(apdu: Uint8Array, out: Message[]): ApduError | null {
    if (apdu.length < 2) {
      this.reset();
      return "EPROTO";
    }
    let pos = 2;
    if (!this.#joined) {
      const offset = (apdu[0] << 8) | apdu[1];
      if (offset === NO_MESSAGE_START) return null;
      if (offset > apdu.length - 2) return "EPROTO";
      pos += offset;
      this.#joined = true;
    }
    const error = this.#decode(apdu, pos, out);
    if (error) this.reset();
    return error;
  }

  #decode(data: Uint8Array, pos: number, out: Message[]): ApduError | null {
    while (pos < data.length) {
      if (this.#body === null) {
        // Header: length byte, then maybe 8 length bytes, then flags.
        const h = this.#header;
        while (this.#headerHave < this.#headerNeed && pos < data.length) {
          h[this.#headerHave++] = data[pos++];
          if (this.#headerHave === 1 && h[0] === 0xff) this.#headerNeed = 10;
          else if (this.#headerHave === 1) this.#headerNeed = 2;
        }
        if (this.#headerHave < this.#headerNeed) return null;
        const size = this.#headerNeed === 2 ? h[0] : Number(new DataView(h.buffer).getBigUint64(1));
        if (size === 0) return "EPROTO";
        const bodySize = size - 1;
        if (this.maxMessageSize >= 0 && bodySize > this.maxMessageSize) return "EMSGSIZE";
        if (!Number.isSafeInteger(bodySize)) return "EMSGSIZE";
        this.#more = (h[this.#headerNeed - 1] & MORE) !== 0;
        this.#headerHave = 0;
        this.#headerNeed = 1;
        if (data.length - pos >= bodySize) {
          // Whole body in this APDU: a view, no copy.
          this.#finishFrame(data.subarray(pos, pos + bodySize), out);
          pos += bodySize;
          continue;
        }
        this.#body = new Uint8Array(bodySize);
        this.#bodyHave = 0;
      }
      const body = this.#body;
      const n = Math.min(body.length - this.#bodyHave, data.length - pos);
      body.set(data.subarray(pos, pos + n), this.#bodyHave);
      this.#bodyHave += n;
      pos += n;
      if (this.#bodyHave === body.length) {
        this.#body = null;
        this.#finishFrame(body, out);
      }
    }
    return null;
  }

  #finishFrame(body: Uint8Array, out: Message[]): void {
    this.#frames.push(body);
    if (!this.#more) {
      out.push(this.#frames);
      this.#frames = [];
    }
  }
}
