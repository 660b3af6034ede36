/**
 * ZMTP frame codec (RFC 23 section "Framing").
 *
 * ```
 * flags  bit 0 MORE, bit 1 LONG (8-byte size), bit 2 COMMAND
 * size   1 byte, or 8 bytes big-endian when LONG
 * body   size bytes
 * ```
 *
 * The decoder is incremental and owns its read buffer: the engine asks for
 * {@link FrameDecoder.readTarget}, reads into it and reports the count with
 * {@link FrameDecoder.commit}. Every complete frame in the buffer is decoded
 * in one pass; data frames are handed out as views (`subarray`) of the
 * buffer, which is therefore never written twice: when it fills up, a new one
 * is started. A new buffer is cut to whole frames of the size the peer sent
 * last, so that reads of a steady stream end on frame boundaries and no
 * partial frame is copied from one buffer into the next. A frame too big
 * for the buffer is read straight into its own storage: of the frame's size
 * once the peer has sent a frame that large, else growing with the bytes
 * that actually arrived, never with the length a peer merely declared.
 *
 * Complete messages found in one pass over the buffer are handed out
 * together as a {@link FrameRun}: the buffer and the offsets of their
 * frames, from which each message is built only when it is taken.
 *
 * @module
 */

import { MessageBatch } from "../message.ts";

/** Frame flag: more frames of this message follow. */
export const FLAG_MORE = 1;
/** Frame flag: the size field is 8 bytes. */
export const FLAG_LONG = 2;
/** Frame flag: this frame is a command, not message data. */
export const FLAG_COMMAND = 4;

/** Largest size of the decoder's read buffers (they start small and grow with the traffic). */
export const SLAB_SIZE = 256 * 1024;
/** Smallest read buffer: what an idle connection holds while its read is pending. */
export const MIN_SLAB_SIZE = 4 * 1024;
/** A read is not started into less room than this (or a quarter slab); a fresh slab is used instead. */
const MIN_READ_ROOM = 16 * 1024;
/** After this many reads in a row that used under an eighth of the slab, the next slab is halved. */
const SHRINK_AFTER = 8;
/** Own storage for a large frame starts at least this big (or at the frame's size). */
const MIN_OWN_STORAGE = 64 * 1024;
/**
 * A partial frame at least this long stays where it is when the buffer has
 * room for the rest of it: one more (short) read costs less than copying it.
 */
const KEEP_PARTIAL = 16 * 1024;
/**
 * Buffers are cut to whole frames when frames are at least this long:
 * the partial frame a buffer would otherwise end with is then worth a copy.
 */
const ALIGN_FROM = 8 * 1024;
/** Largest frame this implementation accepts (JavaScript buffers are limited anyway). */
export const MAX_FRAME_SIZE = 2 ** 32;

/** Where decoded frames go. */
export interface FrameSink {
  /** A complete data message (all its frames). */
  onMessage(frames: Uint8Array[]): void;
  /**
   * Complete data messages decoded from one read, in order. Without this
   * method each is given to {@link onMessage} instead.
   */
  onMessages?(run: FrameRun): void;
  /**
   * One command frame (its body: name length, name, data). Returning true
   * stops decoding right after this frame: the bytes behind it stay in the
   * buffer until {@link FrameDecoder.resume}. The engine does this during the
   * handshake, so that frames sent after the peer's last handshake command
   * are decoded only once the mechanism has said how (CURVE boxes them).
   */
  onCommand(body: Uint8Array): boolean | void;
  /**
   * Every frame as it is, when the decoder is in raw mode (a mechanism
   * unwraps them). `body` is valid only during the call: it views the read
   * buffer, which the next read may overwrite; unless `owned`: then it is a
   * large frame's storage of its own, which the decoder never touches again
   * (the sink may keep it, or open the frame in place).
   */
  onFrame?(flags: number, body: Uint8Array, owned?: boolean): void;
}

/** Thrown by the decoder for a stream that breaks the protocol. */
export class ProtocolError extends Error {
  /** `EMSGSIZE` when a frame exceeds the size limit, otherwise `EPROTO`. */
  readonly code: "EPROTO" | "EMSGSIZE";
  /** Creates a protocol error. */
  constructor(message: string, code: "EPROTO" | "EMSGSIZE" = "EPROTO") {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
  }
}

/** A frame whose body is being read into storage of its own. */
interface PendingBody {
  flags: number;
  size: number;
  storage: Uint8Array;
  filled: number;
}

/**
 * Storage for a large frame grows to at most this many times the bytes
 * received so far (and never past the declared size): a peer must send
 * bytes to make us allocate, and a 1 MiB frame is copied about once.
 */
const GROWTH_FACTOR = 16;

/**
 * Messages decoded from one read buffer, kept as offsets into it: two
 * 32-bit numbers per frame (start, end; the end of a frame that has more
 * frames after it is stored as `~end`). {@link next} builds one message of
 * views into the buffer.
 */
export class FrameRun extends MessageBatch<Uint8Array[]> {
  private pos = 0;

  /**
   * @param buf the read buffer the frames are in
   * @param spans frame offsets, as described above
   * @param count number of messages
   */
  constructor(private readonly buf: Uint8Array, private readonly spans: Int32Array, count: number) {
    super(count);
  }

  /** The storage every frame of the run is a view into. */
  get storage(): ArrayBufferLike {
    return this.buf.buffer;
  }

  /** Takes the next message. */
  next(): Uint8Array[] {
    const spans = this.spans;
    const buf = this.buf;
    let pos = this.pos;
    const start = spans[pos];
    let end = spans[pos + 1];
    pos += 2;
    this.remaining--;
    if (end >= 0) {
      this.pos = pos;
      return [buf.subarray(start, end)];
    }
    const frames = [buf.subarray(start, ~end)];
    do {
      const from = spans[pos];
      end = spans[pos + 1];
      pos += 2;
      frames.push(buf.subarray(from, end >= 0 ? end : ~end));
    } while (end < 0);
    this.pos = pos;
    return frames;
  }

  /** The next message, without taking it. */
  peek(): Uint8Array[] {
    const pos = this.pos;
    const msg = this.next();
    this.pos = pos;
    this.remaining++;
    return msg;
  }
}

/** Capacity (in numbers) of the decoder's frame offset list when it is first needed. */
const INITIAL_SPANS = 64;
/** The offset list of a decoder that has not decoded a data frame yet (an idle subscriber's). */
const NO_SPANS = new Int32Array(0);

/**
 * A read buffer size near `target` that ends on a frame boundary if the
 * frames to come are `stride` bytes long like the last one: the incomplete
 * frame (ending `incompleteEnd` bytes in, or taken to be `stride` long, at
 * least its `partial` bytes, when its header is incomplete: -1), then whole
 * frames, at least one. A read that fills it then ends where a frame ends.
 * The WebSocket decoder sizes its buffers the same way.
 */
export function wholeFramesSize(
  target: number,
  stride: number,
  incompleteEnd: number,
  partial: number,
): number {
  const first = incompleteEnd >= 0 ? incompleteEnd : partial > 0 ? Math.max(partial, stride) : 0;
  // Up to a quarter frame over the target, so 4 × 64 KiB frames fit 256 KiB.
  const frames = Math.max(1, Math.floor((target - first + (stride >>> 2)) / stride));
  return first + frames * stride;
}

/** Incremental frame decoder; see the module documentation. */
export class FrameDecoder {
  private buf: Uint8Array;
  /**
   * Size of the next slab: doubles after a read that filled all the room it
   * was given, halves after {@link SHRINK_AFTER} small reads in a row, between
   * {@link MIN_SLAB_SIZE} and the maximum. A busy connection reads into large
   * slabs (few reads, many frames each); an idle one holds a small one.
   */
  private slabTarget: number;
  private smallReads = 0;
  /** Room offered to the read in progress, to tell a full read from a short one. */
  private offered = 0;
  private start = 0;
  private end = 0;
  /** True once a view into `buf` was handed out: `buf` must then not be reused. */
  private shared = false;
  /** Frames of a message being assembled as views (it spans reads, or has a large frame). */
  private frames: Uint8Array[] = [];
  private pending: PendingBody | null = null;
  /**
   * Where the incomplete frame at `start` ends in `buf` (-1: not known, or
   * no incomplete frame): a buffer that holds it is read into, not renewed.
   */
  private frameEnd = -1;
  /** Bytes (header and body) of the last complete data frame: new buffers are cut to it. */
  private stride = 0;
  /**
   * Bytes of the largest data frame this peer has sent: a frame up to this
   * size gets storage of its full size at once (the peer has shown it sends
   * that much), a larger one storage that grows with what arrives.
   */
  private proven = 0;
  private messageBytes = 0;
  /** Offsets of the frames decoded in this pass, for the next {@link FrameRun}. */
  private spans = NO_SPANS;
  private spanLength = 0;
  /** Where the frames of the message not yet complete start in `spans`. */
  private openSpans = 0;
  /** Complete messages in `spans`. */
  private runMessages = 0;
  /**
   * Largest accepted command frame in bytes (-1: no limit). The engine keeps
   * it small during the handshake, then sets it to `maxMessageSize`.
   */
  maxCommandSize = -1;
  /**
   * Frames at least this large that are not yet complete get storage of
   * their own. Smaller ones stay in the slab, so one read still brings
   * several of them (a read per frame costs more than copying a partial
   * frame into a fresh slab); half a slab leaves a fresh slab room to read.
   */
  private readonly ownStorageThreshold: number;
  private readonly minSlab: number;
  /**
   * In raw mode every frame goes to {@link FrameSink.onFrame} unassembled,
   * as a view valid only during the call; CURVE turns this on after its
   * handshake (its codec decrypts each frame into fresh storage).
   */
  raw = false;

  /**
   * @param maxMessageSize largest accepted frame in bytes (-1: no limit), as libzmq's ZMQ_MAXMSGSIZE
   * @param slabSize largest size of a read buffer
   */
  constructor(public maxMessageSize = -1, private readonly slabSize = SLAB_SIZE) {
    if (!(slabSize >= 16)) throw new RangeError("slab size must be at least 16 bytes");
    this.minSlab = Math.min(MIN_SLAB_SIZE, slabSize);
    this.slabTarget = this.minSlab;
    this.buf = EMPTY;
    this.ownStorageThreshold = Math.floor(slabSize / 2);
  }

  private minReadRoom(): number {
    return Math.min(MIN_READ_ROOM, this.slabTarget >>> 2);
  }

  /** True while the bytes received so far end inside a message. */
  get midMessage(): boolean {
    return this.frames.length > 0 || this.pending !== null || this.end > this.start;
  }

  /** Where the next read should put its bytes (never empty). */
  readTarget(): Uint8Array {
    const p = this.pending;
    if (p !== null) return p.storage.subarray(p.filled);
    const length = this.buf.length;
    const partial = this.end - this.start;
    // A large partial frame whose rest fits is finished where it is.
    const finishInPlace = this.frameEnd >= 0 && this.frameEnd <= length &&
      partial >= KEEP_PARTIAL;
    if (!finishInPlace) {
      // Renew when the room is short, or when the slab is far larger than the
      // traffic needs: a pending read holds its slab for as long as it waits.
      const oversized = length > 4 * Math.max(this.slabTarget, this.stride) &&
        partial <= this.slabTarget >>> 1;
      if (length - this.end < this.minReadRoom() || oversized) this.renewBuffer();
    }
    let target = this.buf.subarray(this.end);
    // Frames that go to storage of their own: this read brings the next
    // header and as little of its body as it can, the body part being copied.
    if (this.stride > this.ownStorageThreshold && partial === 0 && target.length > MIN_READ_ROOM) {
      target = target.subarray(0, MIN_READ_ROOM);
    }
    this.offered = target.length;
    return target;
  }

  /** Records that `n` bytes were read into {@link readTarget} and decodes what is complete. */
  commit(n: number, sink: FrameSink): void {
    this.adapt(n);
    const p = this.pending;
    if (p !== null) {
      p.filled += n;
      if (p.filled < p.size) {
        if (p.filled === p.storage.length) growStorage(p);
        return;
      }
      this.pending = null;
      if ((p.flags & FLAG_COMMAND) === 0) this.learnStride(p.size + 9);
      this.frame(p.flags, p.storage, sink, true);
      return;
    }
    this.end += n;
    this.decode(sink);
  }

  /** Sizes the next slab to the read just made (see {@link slabTarget}). */
  private adapt(n: number): void {
    const target = this.slabTarget;
    if (n >= this.offered && this.pending === null) {
      this.slabTarget = Math.min(this.slabSize, target * 2);
      this.smallReads = 0;
    } else if (n < target >>> 3 && ++this.smallReads >= SHRINK_AFTER) {
      this.slabTarget = Math.max(this.minSlab, target >>> 1);
      this.smallReads = 0;
    } else if (n >= target >>> 3) {
      this.smallReads = 0;
    }
  }

  /** Decodes the frames held back when the sink's `onCommand` asked to stop. */
  resume(sink: FrameSink): void {
    if (this.pending === null) this.decode(sink);
  }

  /** Test and fuzz helper: copies `bytes` in through the same path as a socket read. */
  feed(bytes: Uint8Array, sink: FrameSink): void {
    let offset = 0;
    while (offset < bytes.length) {
      const target = this.readTarget();
      const n = Math.min(target.length, bytes.length - offset);
      target.set(bytes.subarray(offset, offset + n));
      offset += n;
      this.commit(n, sink);
    }
  }

  private decode(sink: FrameSink): void {
    const buf = this.buf;
    const end = this.end;
    let pos = this.start;
    try {
      pos = this.decodeFrames(buf, pos, end, sink);
    } finally {
      // Also when a frame broke the protocol: the messages before it are delivered.
      this.start = pos;
      this.endPass(sink);
    }
  }

  /** Decodes the complete frames in `buf[pos..end)`; returns where it stopped. */
  private decodeFrames(buf: Uint8Array, pos: number, end: number, sink: FrameSink): number {
    this.frameEnd = -1;
    /** Bytes of the last data frame of this pass (-1: none). */
    let lastData = -1;
    while (end - pos >= 2) {
      const flags = buf[pos];
      let size: number;
      let header: number;
      if ((flags & FLAG_LONG) === 0) {
        size = buf[pos + 1];
        header = 2;
      } else {
        if (end - pos < 9) break;
        const high =
          (buf[pos + 1] << 24 | buf[pos + 2] << 16 | buf[pos + 3] << 8 | buf[pos + 4]) >>>
          0;
        const low = (buf[pos + 5] << 24 | buf[pos + 6] << 16 | buf[pos + 7] << 8 | buf[pos + 8]) >>>
          0;
        if (high > 0 && high * 2 ** 32 + low > MAX_FRAME_SIZE) {
          throw new ProtocolError(
            `frame of ${high * 2 ** 32 + low} bytes is too large`,
            "EMSGSIZE",
          );
        }
        size = high * 2 ** 32 + low;
        header = 9;
      }
      this.checkSize(flags, size);
      const bodyStart = pos + header;
      if (end - bodyStart < size) {
        if (size >= this.ownStorageThreshold && bodyStart + size > buf.length) {
          // The partial body moves to storage of its own; the read buffer
          // then ends where that body started.
          this.startPending(flags, size, bodyStart, sink);
          pos = bodyStart;
        } else this.frameEnd = bodyStart + size;
        break;
      }
      pos = bodyStart + size;
      if ((flags & FLAG_COMMAND) === 0) {
        lastData = header + size;
        if (!this.raw && this.frames.length === 0) {
          this.addSpan(flags, bodyStart, pos);
          continue;
        }
      }
      if (this.frame(flags, buf.subarray(bodyStart, pos), sink)) break;
    }
    if (lastData >= 0) this.learnStride(lastData);
    return pos;
  }

  /** Notes the size of a complete data frame (header and body): the next buffers are cut to it. */
  private learnStride(bytes: number): void {
    this.stride = bytes;
    if (bytes > this.proven) this.proven = bytes;
  }

  /** Records a data frame of the read buffer for the run of this pass. */
  private addSpan(flags: number, start: number, end: number): void {
    let spans = this.spans;
    const at = this.spanLength;
    if (at + 2 > spans.length) {
      const grown = new Int32Array(Math.max(INITIAL_SPANS, spans.length * 2));
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

  /** Hands the complete messages recorded so far to the sink, as one run. */
  private flushRun(sink: FrameSink): void {
    const count = this.runMessages;
    if (count === 0) return;
    const complete = this.openSpans;
    this.shared = true;
    if (count === 1) {
      // One message (a request, a reply): built now, which a run would do
      // when it is taken anyway; no run, no copy of the offsets.
      const msg = this.spanMessage(complete);
      this.dropSpans(complete);
      sink.onMessage(msg);
      return;
    }
    const run = new FrameRun(this.buf, this.spans.slice(0, complete), count);
    this.dropSpans(complete);
    if (sink.onMessages !== undefined) sink.onMessages(run);
    else while (run.remaining > 0) sink.onMessage(run.next());
  }

  /** The message whose frames are the first `length` numbers of `spans`, as views. */
  private spanMessage(length: number): Uint8Array[] {
    const spans = this.spans;
    const buf = this.buf;
    if (length === 2) return [buf.subarray(spans[0], spans[1])];
    const frames = new Array<Uint8Array>(length >>> 1);
    for (let i = 0; i < length; i += 2) {
      const end = spans[i + 1];
      frames[i >>> 1] = buf.subarray(spans[i], end >= 0 ? end : ~end);
    }
    return frames;
  }

  /** Forgets the first `complete` numbers of `spans`: the frames of an incomplete message stay, moved to the front. */
  private dropSpans(complete: number): void {
    this.spans.copyWithin(0, complete, this.spanLength);
    this.spanLength -= complete;
    this.openSpans = 0;
    this.runMessages = 0;
  }

  /**
   * Ends a pass: complete messages go out; the frames of a message that is
   * not complete become views, as the buffer may change before the rest comes.
   */
  private endPass(sink: FrameSink): void {
    this.flushRun(sink);
    this.openAsViews();
  }

  /** Moves the recorded frames of the incomplete message to `frames` (as views). */
  private openAsViews(): void {
    const length = this.spanLength;
    if (length === 0) return;
    const spans = this.spans;
    for (let i = 0; i < length; i += 2) {
      this.frames.push(this.buf.subarray(spans[i], ~spans[i + 1]));
    }
    this.spanLength = 0;
    this.openSpans = 0;
    this.shared = true;
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

  /** Hands one frame to the sink; true when the sink asked to stop decoding. */
  private frame(flags: number, body: Uint8Array, sink: FrameSink, owned = false): boolean {
    // Messages decoded before this frame go first, in order.
    if (this.runMessages > 0) this.flushRun(sink);
    if (this.raw) {
      // The sink opens the frame into storage of its own (see `raw`): the
      // read buffer stays reusable.
      sink.onFrame!(flags, body, owned);
      return false;
    }
    if ((flags & FLAG_COMMAND) !== 0) {
      if (this.frames.length > 0 || this.spanLength > 0) {
        throw new ProtocolError("command frame inside a multipart message");
      }
      return sink.onCommand(body) === true;
    }
    this.shared = true;
    this.frames.push(body);
    if ((flags & FLAG_MORE) !== 0) {
      this.messageBytes += body.length;
      return false;
    }
    const frames = this.frames;
    this.frames = [];
    this.messageBytes = 0;
    sink.onMessage(frames);
    return false;
  }

  /** Moves the partial frame at `bodyStart` into storage of its own. */
  private startPending(flags: number, size: number, bodyStart: number, sink: FrameSink): void {
    // The message's earlier frames are views from now on; the ones before it go out.
    this.flushRun(sink);
    this.openAsViews();
    const received = this.end - bodyStart;
    // A frame no larger than one this peer sent (a large frame has a 9-byte header).
    const storage = new Uint8Array(size + 9 <= this.proven ? size : storageFor(size, received));
    storage.set(this.buf.subarray(bodyStart, this.end));
    this.pending = { flags, size, storage, filled: received };
    this.end = bodyStart;
    this.start = bodyStart;
  }

  /** Starts a fresh read buffer, carrying over the bytes of an incomplete frame. */
  private renewBuffer(): void {
    const rest = this.buf.subarray(this.start, this.end);
    // Room for the incomplete frame (under half the largest slab) and a read behind it.
    let size = Math.min(this.slabSize, Math.max(this.slabTarget, 2 * rest.length));
    const stride = this.stride;
    if (stride >= ALIGN_FROM && stride <= this.ownStorageThreshold) {
      const incompleteEnd = this.frameEnd >= 0 ? this.frameEnd - this.start : -1;
      size = wholeFramesSize(size, stride, incompleteEnd, rest.length);
    }
    if (this.frameEnd >= 0) this.frameEnd -= this.start;
    if (!this.shared && size === this.buf.length && rest.length < this.buf.length) {
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

/** Capacity for a large frame of `size` bytes of which `received` arrived. */
function storageFor(size: number, received: number): number {
  return Math.min(size, Math.max(MIN_OWN_STORAGE, received * GROWTH_FACTOR));
}

/** Grows a large frame's storage once it is full: memory follows the bytes that arrived. */
function growStorage(p: PendingBody): void {
  const next = new Uint8Array(storageFor(p.size, p.filled));
  next.set(p.storage);
  p.storage = next;
}

/**
 * Batch buffers of idle encoders, shared by all of them, by size (the
 * powers of two from {@link MIN_BATCH_CAPACITY} to {@link BATCH_CAPACITY}):
 * a connection holds one only while it has bytes to write, so thousands of
 * idle connections hold none, and a connection that writes one small batch
 * at a time (a request, then its reply) takes the same buffer back each
 * time instead of allocating one. A few of each size are kept.
 */
const idleBatchBuffers: Uint8Array[][] = [];
const BATCH_CAPACITY = 64 * 1024;
/**
 * A batch buffer starts this small (a handshake, a request, one published
 * message to each of thousands of peers) and doubles as batches fill it.
 */
const MIN_BATCH_CAPACITY = 512;
const IDLE_BATCH_BUFFERS_KEPT = 16;

/** The pool of idle batch buffers of `size` bytes, or null for a size that is not pooled. */
function idleBuffersOf(size: number): Uint8Array[] | null {
  if (size < MIN_BATCH_CAPACITY || size > BATCH_CAPACITY || (size & (size - 1)) !== 0) return null;
  const index = Math.clz32(MIN_BATCH_CAPACITY) - Math.clz32(size);
  return idleBatchBuffers[index] ??= [];
}

/**
 * Encodes messages into batches: many frames into one buffer, so one write
 * carries many messages. Bodies at least {@link DIRECT_WRITE_THRESHOLD} bytes
 * long are not copied; they become chunks of their own, written as they are.
 *
 * The batch buffer is taken from a shared pool when encoding starts and
 * given back when {@link take} finds nothing to write: the caller wrote the
 * previous chunks before asking again, so nothing refers to it any more.
 */
export class FrameEncoder {
  private buf: Uint8Array = EMPTY;
  /** Start of the part of `buf` not yet turned into a chunk. */
  private mark = 0;
  private pos = 0;
  /** The chunks of the batch; the same array is returned by every {@link take}. */
  private chunks: Uint8Array[] = [];
  /** True once {@link take} returned `chunks`: they are emptied when the next batch starts. */
  private taken = false;
  /** Bytes in `chunks` (buffer runs already cut, and bodies passed through). */
  private chunkBytes = 0;

  /** Size of the next batch buffer: grows while batches fill it, up to the maximum. */
  private capacity: number;
  /** Largest batch since the buffer was last given back: an idle spell after small batches shrinks it. */
  private peak = 0;

  /**
   * Creates an encoder whose batch buffers grow up to `maxCapacity` bytes as
   * batches fill them (a single larger frame gets a buffer of its size).
   */
  constructor(private readonly maxCapacity = BATCH_CAPACITY) {
    this.capacity = Math.min(MIN_BATCH_CAPACITY, maxCapacity);
  }

  /** Bytes encoded since the last {@link take}. */
  get size(): number {
    return this.chunkBytes + this.pos - this.mark;
  }

  /** Encodes one data message; frames get MORE except the last. */
  message(frames: readonly Uint8Array[]): void {
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) this.frame(frames[i], i < last ? FLAG_MORE : 0);
  }

  /** Encodes one frame with the given flags (LONG is added when needed). */
  frame(body: Uint8Array, flags: number): void {
    const size = body.length;
    if (size >= DIRECT_WRITE_THRESHOLD) {
      this.header(flags, size, 0);
      this.cut();
      this.chunks.push(body);
      this.chunkBytes += size;
      return;
    }
    this.header(flags, size, size);
    this.buf.set(body, this.pos);
    this.pos += size;
  }

  /** Encodes a command frame from its name and data. */
  command(name: string, data: Uint8Array = EMPTY): void {
    const size = 1 + name.length + data.length;
    this.header(FLAG_COMMAND, size, size);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = name.length;
    for (let i = 0; i < name.length; i++) buf[pos++] = name.charCodeAt(i);
    buf.set(data, pos);
    this.pos = pos + data.length;
  }

  /** Appends raw bytes (a greeting). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * Returns the encoded chunks, to be written in order, and starts over.
   * The chunks stay valid until the next call to an encoding method or to
   * `take`: write them before asking again (an empty answer gives the
   * batch buffer back to the shared pool).
   */
  take(): Uint8Array[] {
    this.cut();
    const chunks = this.chunks;
    if (chunks.length === 0) {
      this.release();
      return chunks;
    }
    if (this.chunkBytes > this.peak) this.peak = this.chunkBytes;
    this.taken = true;
    this.mark = 0;
    this.pos = 0;
    this.chunkBytes = 0;
    return chunks;
  }

  /** Gives the batch buffer back to the pool (nothing is encoded and unwritten). */
  private release(): void {
    const buf = this.buf;
    this.buf = EMPTY;
    if (this.peak < this.capacity >>> 3) {
      this.capacity = Math.max(Math.min(MIN_BATCH_CAPACITY, this.maxCapacity), this.capacity >>> 1);
    }
    this.peak = 0;
    this.mark = 0;
    this.pos = 0;
    const idle = idleBuffersOf(buf.length);
    if (idle !== null && idle.length < IDLE_BATCH_BUFFERS_KEPT) idle.push(buf);
  }

  private header(flags: number, size: number, reserve: number): void {
    if (size > 255) {
      this.ensure(9 + reserve);
      const buf = this.buf;
      const pos = this.pos;
      buf[pos] = flags | FLAG_LONG;
      const high = Math.floor(size / 2 ** 32);
      buf[pos + 1] = high >>> 24;
      buf[pos + 2] = high >>> 16;
      buf[pos + 3] = high >>> 8;
      buf[pos + 4] = high;
      buf[pos + 5] = size >>> 24;
      buf[pos + 6] = size >>> 16;
      buf[pos + 7] = size >>> 8;
      buf[pos + 8] = size;
      this.pos = pos + 9;
    } else {
      this.ensure(2 + reserve);
      this.buf[this.pos] = flags;
      this.buf[this.pos + 1] = size;
      this.pos += 2;
    }
  }

  /** Closes the current run of `buf` as a chunk. */
  private cut(): void {
    if (this.taken) {
      // The chunks taken last time are written by now (see take): a new batch starts.
      this.chunks.length = 0;
      this.taken = false;
    }
    if (this.pos > this.mark) {
      this.chunks.push(this.buf.subarray(this.mark, this.pos));
      this.chunkBytes += this.pos - this.mark;
    }
    this.mark = this.pos;
  }

  private ensure(room: number): void {
    const old = this.buf;
    if (this.pos + room <= old.length) return;
    // While buffers still grow, the run encoded so far moves into the bigger
    // one, so a batch stays one chunk (one write). At full size, the run is cut
    // instead: chunks already cut still point into the old buffer, which stays
    // alive through them, and the new buffer continues after it.
    const growing = old.length > 0 && old.length < this.maxCapacity;
    if (old.length > 0) this.capacity = Math.min(this.maxCapacity, this.capacity * 2);
    if (!growing) this.cut();
    const carried = this.pos - this.mark;
    const size = Math.max(this.capacity, room + carried);
    const next = idleBuffersOf(size)?.pop() ?? new Uint8Array(size);
    if (carried > 0) next.set(old.subarray(this.mark, this.pos));
    this.buf = next;
    this.mark = 0;
    this.pos = carried;
  }
}

/** Size of a message's frames (headers and bodies) on the wire. */
export function encodedSize(frames: readonly Uint8Array[]): number {
  let size = 0;
  for (let i = 0; i < frames.length; i++) {
    const length = frames[i].length;
    size += (length > 255 ? 9 : 2) + length;
  }
  return size;
}

/**
 * A message's frames in a buffer of their own, exactly their size: bytes
 * that can be written to many connections at once (fan-out).
 */
export function encodeMessage(frames: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(encodedSize(frames));
  const last = frames.length - 1;
  let pos = 0;
  for (let i = 0; i <= last; i++) {
    const body = frames[i];
    const size = body.length;
    const flags = i < last ? FLAG_MORE : 0;
    if (size > 255) {
      out[pos] = flags | FLAG_LONG;
      // Bytes 1-4 stay zero: a frame here is far below 4 GiB.
      out[pos + 5] = size >>> 24;
      out[pos + 6] = size >>> 16;
      out[pos + 7] = size >>> 8;
      out[pos + 8] = size;
      pos += 9;
    } else {
      out[pos] = flags;
      out[pos + 1] = size;
      pos += 2;
    }
    out.set(body, pos);
    pos += size;
  }
  return out;
}

/** Bodies this large are written without being copied into the batch. */
export const DIRECT_WRITE_THRESHOLD = 32 * 1024;

const EMPTY = new Uint8Array(0);
