/**
 * WebSocket (RFC 6455) as bytes: the opening handshake's HTTP messages and
 * the frame codec, for a ws transport that runs over a plain byte stream
 * (a tcp connection or listener) instead of a platform `WebSocket`.
 *
 * ```
 * byte 0   FIN(1) RSV1-3(3) opcode(4)
 * byte 1   MASK(1) length(7): 0..125, 126 = 16-bit length follows, 127 = 64-bit
 * [mask]   4 bytes when MASK is set; payload byte i is XORed with mask[i % 4]
 * payload
 * ```
 *
 * Pure: bytes in, frames and header fields out. No extension is ever
 * negotiated, so the RSV bits must be zero.
 *
 * @module
 */

import { ProtocolError, wholeFramesSize } from "./frame.ts";
import { maskWasm, WASM_MASK_FROM } from "./mask_wasm.ts";

/** Continuation of a fragmented message. */
export const OPCODE_CONTINUATION = 0x0;
/** A text message (not used by ZWS). */
export const OPCODE_TEXT = 0x1;
/** A binary message: ZWS messages are binary. */
export const OPCODE_BINARY = 0x2;
/** Close control frame. */
export const OPCODE_CLOSE = 0x8;
/** Ping control frame. */
export const OPCODE_PING = 0x9;
/** Pong control frame. */
export const OPCODE_PONG = 0xa;

/** Control frames carry at most this many payload bytes (RFC 6455 5.5). */
export const MAX_CONTROL_PAYLOAD = 125;
/** An opening handshake message larger than this is refused (libzmq allows less). */
export const MAX_HANDSHAKE_BYTES = 16 * 1024;

/** The GUID the accept key hashes with the client's key (RFC 6455 1.3). */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const latin1 = new TextDecoder("latin1");
const ascii = new TextEncoder();

// ---- opening handshake --------------------------------------------------------

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)). */
export async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", ascii.encode(key + ACCEPT_GUID));
  return toBase64(new Uint8Array(digest));
}

/** A fresh `Sec-WebSocket-Key`: 16 random bytes, base64. */
export function newClientKey(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(16)));
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return btoa(text);
}

/** An HTTP request or response head: the first line and the header fields. */
export interface HttpHead {
  /** The request line (`GET /path HTTP/1.1`) or status line. */
  startLine: string;
  /** Header fields by lower-case name; repeated fields are joined with ", ". */
  headers: Map<string, string>;
  /** Bytes of the head including the blank line; what follows belongs to the WebSocket. */
  size: number;
}

/**
 * Parses an HTTP head from the start of `bytes`. Returns null while the
 * blank line that ends it has not arrived; throws a {@link ProtocolError}
 * for a head that is malformed or larger than {@link MAX_HANDSHAKE_BYTES}.
 */
export function parseHttpHead(bytes: Uint8Array): HttpHead | null {
  const end = findHeadEnd(bytes);
  if (end < 0) {
    if (bytes.length > MAX_HANDSHAKE_BYTES) {
      throw new ProtocolError(`HTTP head larger than ${MAX_HANDSHAKE_BYTES} bytes`);
    }
    // Not HTTP at all (a ZMTP greeting, garbage): say so before waiting for more.
    checkHttpStart(bytes);
    return null;
  }
  if (end > MAX_HANDSHAKE_BYTES) {
    throw new ProtocolError(`HTTP head larger than ${MAX_HANDSHAKE_BYTES} bytes`);
  }
  const lines = latin1.decode(bytes.subarray(0, end)).split("\r\n");
  const startLine = lines[0];
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) {
      throw new ProtocolError(`malformed HTTP header line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { startLine, headers, size: end + 4 };
}

/** Index of the `\r\n\r\n` that ends an HTTP head, or -1. */
function findHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** Throws unless `bytes` can be the start of an HTTP message (printable ASCII lines). */
function checkHttpStart(bytes: Uint8Array): void {
  const n = Math.min(bytes.length, 16);
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c !== 13 && c !== 10 && c !== 9 && (c < 32 || c > 126)) {
      throw new ProtocolError("not an HTTP request: binary bytes where a request line belongs");
    }
  }
}

/** What a server needs from a client's upgrade request. */
export interface UpgradeRequest {
  /** The request target, e.g. `/feed`. */
  path: string;
  /** `Sec-WebSocket-Key`. */
  key: string;
  /** The offered subprotocols, in the client's order. */
  protocols: string[];
}

/**
 * Checks that `head` is a WebSocket upgrade request (RFC 6455 4.2.1) and
 * returns its parts; throws a {@link ProtocolError} saying what is wrong.
 */
export function readUpgradeRequest(head: HttpHead): UpgradeRequest {
  const match = /^GET (\S+) HTTP\/1\.1$/.exec(head.startLine);
  if (match === null) {
    throw new ProtocolError(
      `not a WebSocket upgrade: request line ${JSON.stringify(head.startLine.slice(0, 80))}`,
    );
  }
  const h = head.headers;
  if (!listHas(h.get("upgrade"), "websocket")) {
    throw new ProtocolError("not a WebSocket upgrade: no Upgrade: websocket header");
  }
  if (!listHas(h.get("connection"), "upgrade")) {
    throw new ProtocolError("not a WebSocket upgrade: no Connection: Upgrade header");
  }
  const key = h.get("sec-websocket-key") ?? "";
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    throw new ProtocolError("WebSocket upgrade without a valid Sec-WebSocket-Key");
  }
  const version = h.get("sec-websocket-version");
  if (version !== undefined && version !== "13") {
    throw new ProtocolError(`unsupported WebSocket version ${version}`);
  }
  return { path: match[1], key, protocols: splitList(h.get("sec-websocket-protocol")) };
}

/** The client's request: `protocols` joined with "," and no space, as libzmq sends them. */
export function upgradeRequest(
  host: string,
  path: string,
  key: string,
  protocols: string[],
): Uint8Array {
  return ascii.encode(
    `GET ${path} HTTP/1.1\r\n` +
      `Host: ${host}\r\n` +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      `Sec-WebSocket-Key: ${key}\r\n` +
      `Sec-WebSocket-Protocol: ${protocols.join(",")}\r\n` +
      "Sec-WebSocket-Version: 13\r\n\r\n",
  );
}

/** The server's 101 response choosing `protocol`. */
export function upgradeResponse(accept: string, protocol: string): Uint8Array {
  return ascii.encode(
    "HTTP/1.1 101 Switching Protocols\r\n" +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n` +
      `Sec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
}

/** A refusal (`400 Bad Request`) that closes the connection, with `reason` as its body. */
export function badRequestResponse(reason: string): Uint8Array {
  const body = reason.replace(/[^\x20-\x7e]/g, "?") + "\n";
  return ascii.encode(
    "HTTP/1.1 400 Bad Request\r\n" +
      "Connection: close\r\n" +
      "Content-Type: text/plain\r\n" +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
  );
}

/**
 * Checks a server's response to our upgrade request: status 101, the
 * accept key for `key`, and one of the `offered` subprotocols, which it
 * returns.
 */
export async function readUpgradeResponse(
  head: HttpHead,
  key: string,
  offered: readonly string[],
): Promise<string> {
  const match = /^HTTP\/1\.1 +(\d{3})(?: (.*))?$/.exec(head.startLine);
  if (match === null) {
    throw new ProtocolError(`not an HTTP response: ${JSON.stringify(head.startLine.slice(0, 80))}`);
  }
  if (match[1] !== "101") {
    throw new ProtocolError(`WebSocket upgrade refused: HTTP ${match[1]} ${match[2] ?? ""}`.trim());
  }
  const h = head.headers;
  if (!listHas(h.get("upgrade"), "websocket") || !listHas(h.get("connection"), "upgrade")) {
    throw new ProtocolError("WebSocket upgrade response without Upgrade/Connection headers");
  }
  if (h.get("sec-websocket-accept") !== await acceptKey(key)) {
    throw new ProtocolError("WebSocket upgrade response with a wrong Sec-WebSocket-Accept");
  }
  const protocol = h.get("sec-websocket-protocol") ?? "";
  if (!offered.includes(protocol)) {
    throw new ProtocolError(
      `server chose subprotocol ${JSON.stringify(protocol)}, not one offered (${
        offered.join(",")
      })`,
    );
  }
  return protocol;
}

/** Splits a comma-separated header value into trimmed, non-empty items. */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
}

/** True when the comma-separated `value` contains `token` (case-insensitive). */
function listHas(value: string | undefined, token: string): boolean {
  return splitList(value).some((item) => item.toLowerCase() === token);
}

// ---- masking -----------------------------------------------------------------

/**
 * XORs `buf[start..end)` in place with the 4-byte `mask` (big-endian in a
 * 32-bit number), mask byte 0 applying at `start`. From 1 KiB on with
 * WebAssembly SIMD (mask_wasm.ts), else {@link applyMaskJs}.
 */
export function applyMask(buf: Uint8Array, start: number, end: number, mask: number): void {
  const wasm = end - start >= WASM_MASK_FROM ? maskWasm() : null;
  if (wasm !== null) wasm.maskInto(buf, start, end, mask, 0, buf, start);
  else applyMaskJs(buf, start, end, mask);
}

/**
 * {@link applyMask} in JavaScript: a word at a time over the aligned middle.
 * The reference for the WebAssembly path, and the path where it is missing.
 */
export function applyMaskJs(buf: Uint8Array, start: number, end: number, mask: number): void {
  if (end - start < WORD_MASK_MIN) {
    maskBytes(buf, start, end, mask, 0);
    return;
  }
  // Bytes up to a 4-byte boundary of the underlying buffer, then whole words.
  const lead = Math.min(end - start, (4 - ((buf.byteOffset + start) & 3)) & 3);
  maskBytes(buf, start, start + lead, mask, 0);
  let i = start + lead;
  const words = (end - i) >>> 2;
  // The mask as it lines up from here, rotated, in little-endian word order.
  const rotated = lead === 0 ? mask : ((mask << (lead * 8)) | (mask >>> (32 - lead * 8))) >>> 0;
  const word =
    ((rotated & 0xff) << 24 | (rotated >>> 8 & 0xff) << 16 | (rotated >>> 16 & 0xff) << 8 |
      rotated >>> 24) | 0;
  const whole = wordsOf(buf.buffer);
  if (whole !== null) {
    const first = (buf.byteOffset + i) >>> 2;
    const last = first + words;
    for (let w = first; w < last; w++) whole[w] ^= word;
  } else {
    const view = new Int32Array(buf.buffer, buf.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w] ^= word;
  }
  i += words * 4;
  maskBytes(buf, i, end, mask, (i - start) & 3);
}

/** Payloads shorter than this are masked a byte at a time. */
const WORD_MASK_MIN = 16;

/** Buffers up to this size get a cached word view (it keeps the buffer alive). */
const MAX_VIEWED_BUFFER = 1024 * 1024;
let viewedBuffer: ArrayBufferLike | null = null;
let viewedWords: Int32Array | null = null;

/**
 * A word view over all of `buffer`, kept for the next call: a decoder's
 * read buffer and an encoder's batch buffer mask frame after frame in the
 * same buffer, and a view per frame (an allocation) cost more than
 * masking a small payload. Null for a large or resizable buffer.
 */
function wordsOf(buffer: ArrayBufferLike): Int32Array | null {
  if (buffer === viewedBuffer) return viewedWords;
  const flexible = (buffer as ArrayBuffer).resizable === true ||
    (buffer as SharedArrayBuffer).growable === true;
  if (flexible || buffer.byteLength > MAX_VIEWED_BUFFER) return null;
  viewedBuffer = buffer;
  viewedWords = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
  return viewedWords;
}

/** XORs `buf[start..end)` with the mask, mask byte `phase` applying at `start`. */
function maskBytes(buf: Uint8Array, start: number, end: number, mask: number, phase: number): void {
  for (let i = start, k = phase; i < end; i++, k = (k + 1) & 3) {
    buf[i] ^= mask >>> (24 - k * 8);
  }
}

/** Random 32-bit masking keys, drawn from a pool refilled in blocks. */
class MaskKeys {
  private readonly pool = new Uint32Array(1024);
  private next = this.pool.length;

  take(): number {
    if (this.next === this.pool.length) {
      crypto.getRandomValues(this.pool);
      this.next = 0;
    }
    return this.pool[this.next++];
  }
}

const maskKeys = new MaskKeys();

// ---- frames: decoding --------------------------------------------------------------

/** Where decoded WebSocket messages go. */
export interface WsFrameSink {
  /**
   * A complete binary message: `buf[start..end)` (unmasked). The bytes stay
   * valid (the decoder never writes over a buffer it handed out). Returning
   * true stops decoding after it, until {@link WsFrameDecoder.resume}.
   */
  onBinary(buf: Uint8Array, start: number, end: number): boolean | void;
  /** A ping; its payload is valid only during the call. */
  onPing(payload: Uint8Array): void;
  /** A pong. */
  onPong(): void;
  /** A close frame: `code` 1005 when it carried none. */
  onClose(code: number, reason: string): void;
  /** Every message of one read was handed out (batch boundary). */
  onPassEnd(): void;
  /**
   * Largest message payload the sink accepts (-1: no limit), checked when a
   * frame's header arrives, before its payload is buffered.
   */
  readonly maxPayload?: number;
}

/** Size of the decoder's read buffers. */
const SLAB_SIZE = 256 * 1024;
/** A read is not started into less room than this; a fresh slab is used instead. */
const MIN_READ_ROOM = 16 * 1024;
/** A frame at least this big that is not complete moves to storage of its own. */
const OWN_STORAGE_THRESHOLD = SLAB_SIZE / 2;
/**
 * A partial frame at least this long stays where it is when the buffer has
 * room for the rest of it: one more (short) read costs less than copying it.
 */
const KEEP_PARTIAL = 16 * 1024;
/**
 * Buffers are cut to whole frames when frames are at least this long (as
 * `FrameDecoder` does): 256 KiB would hold three 64 KiB frames and all but
 * 60 bytes of a fourth, copied into the next buffer.
 */
const ALIGN_FROM = 8 * 1024;
/** Own storage starts this big (or the frame's size) and grows with the bytes that came. */
const MIN_OWN_STORAGE = 64 * 1024;
const GROWTH_FACTOR = 16;

/** A large frame being read into storage of its own. */
interface PendingFrame {
  header: number;
  size: number;
  mask: number;
  masked: boolean;
  storage: Uint8Array;
  filled: number;
}

/**
 * Incremental WebSocket frame decoder over a byte stream, driven like
 * `FrameDecoder`: read into {@link readTarget}, report with {@link commit}.
 * Every complete frame of a read is decoded in one pass; payloads are
 * unmasked in place and handed out as offsets into the read buffer, which
 * is never written twice. Fragmented messages are reassembled (RFC 6455
 * allows an intermediary to fragment; libzmq refuses them).
 */
export class WsFrameDecoder {
  private buf = new Uint8Array(SLAB_SIZE);
  private start = 0;
  private end = 0;
  private shared = false;
  /** Where the incomplete frame at `start` ends in `buf` (-1: not known, or none). */
  private frameEnd = -1;
  /** Bytes (header and payload) of the last complete data frame: new buffers are cut to it. */
  private stride = 0;
  private pending: PendingFrame | null = null;
  /** Fragments of a message still being received. */
  private fragments: Uint8Array[] = [];
  private fragmentBytes = 0;
  private fragmented = false;

  /**
   * @param expectMasked true on the server side (client frames must be masked), false on the client side
   * @param maxPayload largest accepted message payload in bytes (-1: no limit)
   */
  constructor(private readonly expectMasked: boolean, public maxPayload = -1) {}

  /** Where the next read should put its bytes (never empty). */
  readTarget(): Uint8Array {
    const p = this.pending;
    if (p !== null) return p.storage.subarray(p.filled);
    // A large partial frame whose rest fits is finished where it is.
    const finishInPlace = this.frameEnd >= 0 && this.frameEnd <= this.buf.length &&
      this.end - this.start >= KEEP_PARTIAL;
    if (!finishInPlace && this.buf.length - this.end < MIN_READ_ROOM) this.renewBuffer();
    return this.buf.subarray(this.end);
  }

  /**
   * Records that `n` bytes were read into {@link readTarget} and decodes
   * what is complete. Returns true when decoding stopped because the
   * sink's `onBinary` asked to ({@link resume} continues).
   */
  commit(n: number, sink: WsFrameSink): boolean {
    const p = this.pending;
    if (p !== null) {
      p.filled += n;
      if (p.filled < p.size) {
        if (p.filled === p.storage.length) {
          const next = new Uint8Array(Math.min(p.size, p.filled * GROWTH_FACTOR));
          next.set(p.storage);
          p.storage = next;
        }
        return false;
      }
      this.pending = null;
      if (p.masked) applyMask(p.storage, 0, p.size, p.mask);
      let stop: boolean;
      try {
        stop = this.payload(p.header, p.storage, 0, p.size, sink);
      } finally {
        sink.onPassEnd();
      }
      return stop || this.decode(sink);
    }
    this.end += n;
    return this.decode(sink);
  }

  /**
   * Decodes bytes handed in some other way (those after an HTTP head); they
   * must fit one read buffer. Returns as {@link commit}.
   */
  feed(bytes: Uint8Array, sink: WsFrameSink): boolean {
    const target = this.readTarget();
    if (bytes.length > target.length) throw new RangeError("feed: more bytes than a read buffer");
    target.set(bytes);
    return this.commit(bytes.length, sink);
  }

  /** Continues decoding after the sink asked to stop; returns as {@link commit}. */
  resume(sink: WsFrameSink): boolean {
    return this.pending === null ? this.decode(sink) : false;
  }

  /** True while a frame or message has started and not ended. */
  get midMessage(): boolean {
    return this.end > this.start || this.pending !== null || this.fragmented;
  }

  private decode(sink: WsFrameSink): boolean {
    try {
      return this.decodeFrames(sink);
    } finally {
      sink.onPassEnd();
    }
  }

  /** Decodes the complete frames in the buffer; true when the sink asked to stop. */
  private decodeFrames(sink: WsFrameSink): boolean {
    const buf = this.buf;
    const end = this.end;
    let pos = this.start;
    this.frameEnd = -1;
    while (end - pos >= 2) {
      const b0 = buf[pos];
      const b1 = buf[pos + 1];
      if ((b0 & 0x70) !== 0) throw new ProtocolError("WebSocket frame with reserved bits set");
      const masked = (b1 & 0x80) !== 0;
      if (masked !== this.expectMasked) {
        throw new ProtocolError(
          this.expectMasked
            ? "unmasked WebSocket frame from a client"
            : "masked WebSocket frame from a server",
        );
      }
      let size = b1 & 0x7f;
      let header = 2;
      if (size === 126) {
        if (end - pos < 4) break;
        size = buf[pos + 2] << 8 | buf[pos + 3];
        header = 4;
      } else if (size === 127) {
        if (end - pos < 10) break;
        const high =
          (buf[pos + 2] << 24 | buf[pos + 3] << 16 | buf[pos + 4] << 8 | buf[pos + 5]) >>>
          0;
        const low = (buf[pos + 6] << 24 | buf[pos + 7] << 16 | buf[pos + 8] << 8 | buf[pos + 9]) >>>
          0;
        if (high >= 0x80000000) {
          throw new ProtocolError("WebSocket frame length with the top bit set");
        }
        size = high * 2 ** 32 + low;
        header = 10;
      }
      this.checkFrame(b0, size, sink);
      let mask = 0;
      if (masked) {
        if (end - pos < header + 4) break;
        mask = (buf[pos + header] << 24 | buf[pos + header + 1] << 16 | buf[pos + header + 2] << 8 |
          buf[pos + header + 3]) >>> 0;
        header += 4;
      }
      const bodyStart = pos + header;
      if (end - bodyStart < size) {
        if (size >= OWN_STORAGE_THRESHOLD) {
          this.startPending(b0, size, mask, masked, bodyStart);
          pos = bodyStart;
        } else this.frameEnd = bodyStart + size;
        break;
      }
      pos = bodyStart + size;
      if ((b0 & 0x08) === 0) this.stride = header + size;
      if (masked) applyMask(buf, bodyStart, pos, mask);
      this.start = pos;
      if (this.payload(b0, buf, bodyStart, pos, sink)) return true;
    }
    this.start = pos;
    return false;
  }

  /** Checks opcode, fragmentation and size before any payload is buffered. */
  private checkFrame(b0: number, size: number, sink: WsFrameSink): void {
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    if (opcode >= 0x8) {
      if (opcode !== OPCODE_CLOSE && opcode !== OPCODE_PING && opcode !== OPCODE_PONG) {
        throw new ProtocolError(`unknown WebSocket control opcode ${opcode}`);
      }
      if (!fin) throw new ProtocolError("fragmented WebSocket control frame");
      if (size > MAX_CONTROL_PAYLOAD) throw new ProtocolError("WebSocket control frame too long");
      return;
    }
    if (opcode === OPCODE_TEXT) throw new ProtocolError("WebSocket text message (ZWS is binary)");
    if (opcode === OPCODE_BINARY) {
      if (this.fragmented) throw new ProtocolError("WebSocket message started inside another");
    } else if (opcode === OPCODE_CONTINUATION) {
      if (!this.fragmented) throw new ProtocolError("WebSocket continuation without a message");
    } else {
      throw new ProtocolError(`unknown WebSocket opcode ${opcode}`);
    }
    const max = sink.maxPayload ?? this.maxPayload;
    if (max >= 0 && this.fragmentBytes + size > max) {
      throw new ProtocolError(
        `WebSocket message larger than the limit (${max} bytes)`,
        "EMSGSIZE",
      );
    }
    if (size > 2 ** 32) {
      throw new ProtocolError(`WebSocket frame of ${size} bytes is too large`, "EMSGSIZE");
    }
  }

  /** Hands out one frame's payload; true when the sink asked to stop. */
  private payload(
    b0: number,
    buf: Uint8Array,
    start: number,
    end: number,
    sink: WsFrameSink,
  ): boolean {
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    switch (opcode) {
      case OPCODE_PING:
        sink.onPing(buf.subarray(start, end));
        return false;
      case OPCODE_PONG:
        sink.onPong();
        return false;
      case OPCODE_CLOSE: {
        const code = end - start >= 2 ? buf[start] << 8 | buf[start + 1] : 1005;
        const reason = end - start > 2 ? latin1.decode(buf.subarray(start + 2, end)) : "";
        sink.onClose(code, reason);
        return true;
      }
    }
    if (fin && !this.fragmented) {
      this.shared = true;
      return sink.onBinary(buf, start, end) === true;
    }
    // A fragment: its bytes are copied, as they are joined with the next ones.
    this.fragmented = true;
    this.fragments.push(buf.slice(start, end));
    this.fragmentBytes += end - start;
    if (!fin) return false;
    const whole = new Uint8Array(this.fragmentBytes);
    let offset = 0;
    for (const part of this.fragments) {
      whole.set(part, offset);
      offset += part.length;
    }
    this.fragments = [];
    this.fragmentBytes = 0;
    this.fragmented = false;
    return sink.onBinary(whole, 0, whole.length) === true;
  }

  private startPending(
    header: number,
    size: number,
    mask: number,
    masked: boolean,
    bodyStart: number,
  ): void {
    const received = this.end - bodyStart;
    const storage = new Uint8Array(
      Math.min(size, Math.max(MIN_OWN_STORAGE, received * GROWTH_FACTOR)),
    );
    storage.set(this.buf.subarray(bodyStart, this.end));
    this.pending = { header, size, mask, masked, storage, filled: received };
    this.end = bodyStart;
    this.start = bodyStart;
  }

  private renewBuffer(): void {
    const rest = this.buf.subarray(this.start, this.end);
    const stride = this.stride;
    const size = stride >= ALIGN_FROM && stride < OWN_STORAGE_THRESHOLD
      ? wholeFramesSize(
        SLAB_SIZE,
        stride,
        this.frameEnd >= 0 ? this.frameEnd - this.start : -1,
        rest.length,
      )
      : SLAB_SIZE;
    if (this.frameEnd >= 0) this.frameEnd -= this.start;
    if (!this.shared && size === this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      const next = new Uint8Array(size);
      next.set(rest);
      this.buf = next;
      this.shared = false;
    }
    this.end = rest.length;
    this.start = 0;
  }
}

// ---- frames: encoding ------------------------------------------------------------

/** The batch buffer grows up to this size and stays; larger ones are dropped after use. */
const KEPT_BATCH_BYTES = 1024 * 1024;
/** Payloads this large go out as chunks of their own when not masked (no copy). */
const DIRECT_WRITE_THRESHOLD = 32 * 1024;

/**
 * Encodes WebSocket frames into batches: many frames into one buffer, so one
 * write carries many messages. A client masks every frame with a fresh key
 * (RFC 6455 5.3); a server's large payloads are passed through uncopied.
 */
export class WsFrameEncoder {
  private buf: Uint8Array;
  private mark = 0;
  private pos = 0;
  private chunks: Uint8Array[] = [];
  private chunkBytes = 0;

  /**
   * @param mask true on the client side
   * @param capacity initial batch buffer size
   */
  constructor(private readonly mask: boolean, capacity = 64 * 1024) {
    this.buf = new Uint8Array(capacity);
  }

  /** Bytes encoded since the last {@link take}. */
  get size(): number {
    return this.chunkBytes + this.pos - this.mark;
  }

  /** One binary message whose payload is `prefix` (one byte: ZWS flags) then `body`. */
  binary(prefix: number, body: Uint8Array): void {
    const size = body.length + 1;
    const direct = !this.mask && size >= DIRECT_WRITE_THRESHOLD;
    this.ensure(14 + 1 + (direct ? 0 : body.length));
    const buf = this.buf;
    const start = this.header(0x80 | OPCODE_BINARY, size);
    buf[this.pos++] = prefix;
    if (direct) {
      this.cut();
      this.chunks.push(body);
      this.chunkBytes += body.length;
      return;
    }
    if (this.mask) {
      this.maskBody(body, start);
      return;
    }
    buf.set(body, this.pos);
    this.pos += body.length;
  }

  /** Copies `body` in masked (the payload started at `start` with the flags byte). */
  private maskBody(body: Uint8Array, start: number): void {
    const key = this.lastMask;
    const wasm = body.length >= WASM_MASK_FROM ? maskWasm() : null;
    if (wasm !== null) {
      // One pass: copied and masked together, the body's first byte at mask byte 1.
      this.buf[start] ^= key >>> 24;
      wasm.maskInto(body, 0, body.length, key, 1, this.buf, this.pos);
      this.pos += body.length;
      return;
    }
    this.buf.set(body, this.pos);
    this.pos += body.length;
    applyMask(this.buf, start, this.pos, key);
  }

  /** A control frame (ping, pong, close) with its payload (at most 125 bytes). */
  control(opcode: number, payload: Uint8Array = EMPTY): void {
    this.ensure(14 + payload.length);
    const start = this.header(0x80 | opcode, payload.length);
    this.buf.set(payload, this.pos);
    this.pos += payload.length;
    if (this.mask) applyMask(this.buf, start, this.pos, this.lastMask);
  }

  /** A close frame with a status code and reason. */
  close(code: number, reason = ""): void {
    const text = ascii.encode(reason).subarray(0, MAX_CONTROL_PAYLOAD - 2);
    const payload = new Uint8Array(2 + text.length);
    payload[0] = code >> 8;
    payload[1] = code & 0xff;
    payload.set(text, 2);
    this.control(OPCODE_CLOSE, payload);
  }

  /** Returns the encoded chunks, to be written in order, and starts over. */
  take(): Uint8Array[] {
    this.cut();
    // A buffer grown for one huge masked frame is not kept.
    if (this.buf.length > KEPT_BATCH_BYTES) this.buf = new Uint8Array(KEPT_BATCH_BYTES);
    const chunks = this.chunks;
    this.chunks = [];
    this.mark = 0;
    this.pos = 0;
    this.chunkBytes = 0;
    return chunks;
  }

  private lastMask = 0;

  /** Writes a frame header; returns where the payload starts. */
  private header(b0: number, size: number): number {
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = b0;
    const maskBit = this.mask ? 0x80 : 0;
    if (size < 126) {
      buf[pos++] = maskBit | size;
    } else if (size < 0x10000) {
      buf[pos++] = maskBit | 126;
      buf[pos++] = size >>> 8;
      buf[pos++] = size & 0xff;
    } else {
      buf[pos++] = maskBit | 127;
      const high = Math.floor(size / 2 ** 32);
      buf[pos++] = high >>> 24;
      buf[pos++] = high >>> 16;
      buf[pos++] = high >>> 8;
      buf[pos++] = high;
      buf[pos++] = size >>> 24;
      buf[pos++] = size >>> 16;
      buf[pos++] = size >>> 8;
      buf[pos++] = size;
    }
    if (this.mask) {
      const key = maskKeys.take();
      this.lastMask = key;
      buf[pos++] = key >>> 24;
      buf[pos++] = key >>> 16;
      buf[pos++] = key >>> 8;
      buf[pos++] = key;
    }
    this.pos = pos;
    return pos;
  }

  private cut(): void {
    if (this.pos > this.mark) {
      this.chunks.push(this.buf.subarray(this.mark, this.pos));
      this.chunkBytes += this.pos - this.mark;
    }
    this.mark = this.pos;
  }

  private ensure(room: number): void {
    if (this.pos + room <= this.buf.length) return;
    this.cut();
    // Chunks already cut keep the old buffer alive until written; the new
    // one is kept after take(), so it is sized for a whole batch of such
    // frames, not just this one (a masked 64 KiB body is copied in).
    this.buf = new Uint8Array(Math.max(Math.min(this.buf.length * 2, KEPT_BATCH_BYTES), room));
    this.mark = 0;
    this.pos = 0;
  }
}

const EMPTY = new Uint8Array(0);
