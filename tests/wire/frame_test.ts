import assert from "node:assert/strict";
import {
  DIRECT_WRITE_THRESHOLD,
  encodedSize,
  encodeMessage,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  FrameDecoder,
  FrameEncoder,
  type FrameSink,
  MIN_SLAB_SIZE,
  ProtocolError,
  SLAB_SIZE,
} from "../../src/wire/frame.ts";
import { pattern } from "../helpers.ts";

// ---- helpers ---------------------------------------------------------------

/** What a decoder produced, in order, with bodies copied out. */
type Event = { message: number[][] } | { command: number[] };

/** A sink that records every message and command. */
function recorder(): FrameSink & { events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    onMessage: (frames) => events.push({ message: frames.map((f) => [...f]) }),
    onCommand: (body) => {
      events.push({ command: [...body] });
    },
  };
}

/** Concatenates an encoder's chunks into one byte stream. */
function takeBytes(encoder: FrameEncoder): Uint8Array {
  const chunks = encoder.take();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}

/** Bytes of one frame, written by hand (the reference the encoder is checked against). */
function rawFrame(flags: number, body: Uint8Array, long = body.length > 255): Uint8Array {
  const header = long ? 9 : 2;
  const out = new Uint8Array(header + body.length);
  if (long) {
    out[0] = flags | FLAG_LONG;
    new DataView(out.buffer).setBigUint64(1, BigInt(body.length));
  } else {
    out[0] = flags;
    out[1] = body.length;
  }
  out.set(body, header);
  return out;
}

/** A header declaring `size` bytes (8-byte size), with no body. */
function longHeader(flags: number, size: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = flags | FLAG_LONG;
  new DataView(out.buffer).setBigUint64(1, size);
  return out;
}

/** Feeds `bytes` in pieces whose lengths `nextLength` picks, through readTarget/commit. */
function feedInPieces(
  decoder: FrameDecoder,
  bytes: Uint8Array,
  sink: FrameSink,
  nextLength: () => number,
): void {
  let offset = 0;
  while (offset < bytes.length) {
    const target = decoder.readTarget();
    assert.ok(target.length > 0, "readTarget is never empty");
    const n = Math.min(target.length, nextLength(), bytes.length - offset);
    target.set(bytes.subarray(offset, offset + n));
    offset += n;
    decoder.commit(n, sink);
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A stream mixing everything the decoder meets: commands, single and
 * multipart messages, empty frames, sizes at the short/long boundary, and
 * frames much larger than the decoder's slab.
 */
function mixedStream(): Uint8Array {
  const encoder = new FrameEncoder();
  encoder.command("READY", new Uint8Array([11, 83, 111, 99, 107]));
  encoder.message([pattern(0)]);
  encoder.message([pattern(1), new Uint8Array(0), pattern(255, 1), pattern(256, 2)]);
  encoder.command("PING", new Uint8Array([0, 10, 1, 2]));
  for (let i = 0; i < 20; i++) encoder.message([pattern(i * 13, i)]);
  encoder.message([pattern(70_000, 3), pattern(3, 4)]);
  encoder.message([pattern(300_000, 5)]);
  encoder.message([new Uint8Array(0), new Uint8Array(0)]);
  encoder.message([pattern(DIRECT_WRITE_THRESHOLD, 6)]);
  encoder.command("PONG");
  return takeBytes(encoder);
}

/** Decodes a stream in one piece with a default decoder: the reference result. */
function decodeWhole(bytes: Uint8Array): Event[] {
  const sink = recorder();
  new FrameDecoder().feed(bytes, sink);
  return sink.events;
}

// ---- encoding ----------------------------------------------------------------

Deno.test("a frame of up to 255 bytes has a 2-byte header", () => {
  for (const size of [0, 1, 255]) {
    const encoder = new FrameEncoder();
    encoder.message([pattern(size)]);
    assert.deepEqual(takeBytes(encoder), rawFrame(0, pattern(size)), `${size} bytes`);
  }
});

Deno.test("a frame of 256 bytes or more has the LONG flag and an 8-byte big-endian size", () => {
  const encoder = new FrameEncoder();
  encoder.message([pattern(256)]);
  const bytes = takeBytes(encoder);
  assert.deepEqual([...bytes.subarray(0, 9)], [FLAG_LONG, 0, 0, 0, 0, 0, 0, 1, 0]);
  assert.equal(bytes.length, 9 + 256);
  assert.deepEqual(bytes, rawFrame(0, pattern(256)));
});

Deno.test("every frame of a multipart message but the last has MORE", () => {
  const encoder = new FrameEncoder();
  encoder.message([pattern(1), new Uint8Array(0), pattern(300)]);
  const bytes = takeBytes(encoder);
  assert.equal(bytes[0], FLAG_MORE);
  assert.equal(bytes[3], FLAG_MORE);
  assert.equal(bytes[3 + 2], FLAG_LONG);
  assert.equal(bytes.length, 3 + 2 + 9 + 300);
});

Deno.test("a command frame has the COMMAND flag and a name-length-prefixed name", () => {
  const encoder = new FrameEncoder();
  encoder.command("PING", new Uint8Array([0, 1, 9]));
  assert.deepEqual(
    [...takeBytes(encoder)],
    [FLAG_COMMAND, 8, 4, ..."PING".split("").map((c) => c.charCodeAt(0)), 0, 1, 9],
  );
});

Deno.test("a long command gets the LONG flag with COMMAND", () => {
  const encoder = new FrameEncoder();
  encoder.command("READY", pattern(400));
  const bytes = takeBytes(encoder);
  assert.equal(bytes[0], FLAG_COMMAND | FLAG_LONG);
  assert.equal(bytes.length, 9 + 1 + 5 + 400);
});

Deno.test("many small messages are encoded into a single chunk", () => {
  const encoder = new FrameEncoder();
  for (let i = 0; i < 500; i++) encoder.message([pattern(64, i)]);
  const chunks = encoder.take();
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0].length, 500 * 66);
});

Deno.test("large bodies are passed through as chunks of their own, not copied", () => {
  const big = pattern(DIRECT_WRITE_THRESHOLD, 9);
  const encoder = new FrameEncoder();
  encoder.message([pattern(5)]);
  encoder.message([big]);
  encoder.message([pattern(7)]);
  const chunks = encoder.take();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1], big, "the caller's buffer itself is a chunk");
  assert.equal(chunks[0].length, 2 + 5 + 9, "small frame and the big frame's header");
});

Deno.test("the encoder outgrows its batch buffer without losing bytes", () => {
  const encoder = new FrameEncoder(16);
  const frames = [pattern(10), pattern(20_000, 1), pattern(3, 2)];
  encoder.message(frames);
  assert.equal(encoder.size, 2 + 10 + 9 + 20_000 + 2 + 3);
  assert.deepEqual(decodeWhole(takeBytes(encoder)), [{ message: frames.map((f) => [...f]) }]);
});

Deno.test("take() starts a fresh batch", () => {
  const encoder = new FrameEncoder();
  encoder.message([pattern(4)]);
  encoder.take();
  assert.equal(encoder.size, 0);
  assert.deepEqual(encoder.take(), []);
});

// ---- decoding ----------------------------------------------------------------

Deno.test("encoded messages and commands decode to what was encoded", () => {
  const events = decodeWhole(mixedStream());
  assert.equal(events.length, 29);
  assert.deepEqual(events[0], { command: [5, ...[82, 69, 65, 68, 89], 11, 83, 111, 99, 107] });
  assert.deepEqual(events[2], {
    message: [[...pattern(1)], [], [...pattern(255, 1)], [...pattern(256, 2)]],
  });
  assert.deepEqual(events[25], { message: [[...pattern(300_000, 5)]] });
  assert.deepEqual(events[26], { message: [[], []] });
});

Deno.test("byte-at-a-time input gives the same frames as one piece", () => {
  const bytes = mixedStream();
  const sink = recorder();
  feedInPieces(new FrameDecoder(), bytes, sink, () => 1);
  assert.deepEqual(sink.events, decodeWhole(bytes));
});

Deno.test("byte-at-a-time input into a tiny slab (every large-frame path) gives the same frames", () => {
  const bytes = mixedStream();
  const sink = recorder();
  feedInPieces(new FrameDecoder(-1, 64), bytes, sink, () => 1);
  assert.deepEqual(sink.events, decodeWhole(bytes));
});

Deno.test("seeded random splits give the same frames, with default and small slabs", () => {
  const bytes = mixedStream();
  const expected = decodeWhole(bytes);
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const slab = [1024, 4096, 65536, 256 * 1024][seed % 4];
    // Mostly short reads, sometimes huge ones, so frames straddle every boundary.
    const length = () => next() < 0.8 ? 1 + Math.floor(next() * 300) : Math.floor(next() * 200_000);
    const sink = recorder();
    feedInPieces(new FrameDecoder(-1, slab), bytes, sink, () => Math.max(1, length()));
    assert.deepEqual(sink.events, expected, `seed ${seed}, slab ${slab}`);
  }
});

Deno.test("a partial large frame after complete ones in one read does not lose the stream's place", () => {
  // One read holding a complete frame, the header and part of a large
  // second frame, then the rest: the split libzmq's writes produce.
  const encoder = new FrameEncoder();
  encoder.message([pattern(200_000, 1)]);
  encoder.message([pattern(200_000, 2)]);
  encoder.message([pattern(10, 3)]);
  const bytes = takeBytes(encoder);
  const sink = recorder();
  const reads = [200_009 + 9 + 1000, 60_000, 1_000_000];
  // (Read buffers start small and grow: the first reads are cut to their room.)
  feedInPieces(new FrameDecoder(-1, 512 * 1024), bytes, sink, () => reads.shift() ?? bytes.length);
  assert.deepEqual(sink.events, decodeWhole(bytes));
  assert.equal(sink.events.length, 3);
});

Deno.test("frames handed out stay intact while later data is decoded", () => {
  const decoder = new FrameDecoder(-1, 1024);
  const kept: Uint8Array[][] = [];
  const sink: FrameSink = { onMessage: (frames) => kept.push(frames), onCommand: () => {} };
  const encoder = new FrameEncoder();
  for (let i = 0; i < 400; i++) encoder.message([pattern(i % 300, i), pattern(i % 7, i + 1)]);
  const next = random(7);
  feedInPieces(decoder, takeBytes(encoder), sink, () => 1 + Math.floor(next() * 700));
  assert.equal(kept.length, 400);
  kept.forEach((frames, i) => {
    assert.deepEqual(frames, [pattern(i % 300, i), pattern(i % 7, i + 1)], `message ${i}`);
  });
});

Deno.test("a large frame arrives as one Uint8Array of exactly its size", () => {
  const body = pattern(4 * 1024 * 1024, 11);
  const encoder = new FrameEncoder();
  encoder.message([body]);
  const messages: Uint8Array[][] = [];
  const sink: FrameSink = { onMessage: (m) => messages.push(m), onCommand: () => {} };
  const next = random(3);
  feedInPieces(
    new FrameDecoder(),
    takeBytes(encoder),
    sink,
    () => 1 + Math.floor(next() * 100_000),
  );
  assert.equal(messages.length, 1);
  assert.equal(messages[0][0].length, body.length);
  assert.deepEqual(messages[0][0], body);
});

Deno.test("a frame declaring 1 GiB does not allocate from the declared length", () => {
  const decoder = new FrameDecoder();
  const sink = recorder();
  const before = Deno.memoryUsage();
  decoder.feed(longHeader(0, 2n ** 30n), sink);
  assert.ok(decoder.readTarget().length <= 256 * 1024, "read room follows the slab");
  // 1 MiB of the body arrives: storage grows with it, not towards 1 GiB.
  feedInPieces(decoder, new Uint8Array(1024 * 1024), sink, () => 64 * 1024);
  // Storage grows with what arrived (at most 16 times it), never to 1 GiB.
  assert.ok(decoder.readTarget().length <= 16 * 1024 * 1024, "room follows what arrived");
  const after = Deno.memoryUsage();
  const grown = (after.rss + after.external) - (before.rss + before.external);
  assert.ok(grown < 64 * 1024 * 1024, `memory grew by ${grown} bytes`);
  assert.equal(sink.events.length, 0);
  assert.ok(decoder.midMessage);
});

Deno.test("a frame declaring 2^62 bytes is refused with EMSGSIZE before any body arrives", () => {
  const decoder = new FrameDecoder();
  assert.throws(
    () => decoder.feed(longHeader(0, 2n ** 62n), recorder()),
    (err: unknown) => err instanceof ProtocolError && err.code === "EMSGSIZE",
  );
});

Deno.test("a frame declaring 2^64 - 1 bytes is refused with EMSGSIZE", () => {
  assert.throws(
    () => new FrameDecoder().feed(longHeader(0, 2n ** 64n - 1n), recorder()),
    (err: unknown) => err instanceof ProtocolError && err.code === "EMSGSIZE",
  );
});

Deno.test("maxMessageSize refuses a larger frame as soon as its header arrives", () => {
  const decoder = new FrameDecoder(1000);
  const sink = recorder();
  decoder.feed(rawFrame(0, pattern(1000)), sink);
  assert.equal(sink.events.length, 1, "exactly maxMessageSize is accepted");
  assert.throws(
    () => decoder.feed(longHeader(0, 1001n), sink),
    (err: unknown) => err instanceof ProtocolError && err.code === "EMSGSIZE",
  );
});

Deno.test("maxMessageSize counts every frame of a multipart message", () => {
  const decoder = new FrameDecoder(100);
  const stream = new Uint8Array([
    ...rawFrame(FLAG_MORE, pattern(60)),
    ...rawFrame(0, pattern(50)),
  ]);
  assert.throws(
    () => decoder.feed(stream, recorder()),
    (err: unknown) => err instanceof ProtocolError && err.code === "EMSGSIZE",
  );
});

Deno.test("maxMessageSize starts over with each message", () => {
  const decoder = new FrameDecoder(100);
  const sink = recorder();
  for (let i = 0; i < 5; i++) decoder.feed(rawFrame(0, pattern(80, i)), sink);
  assert.equal(sink.events.length, 5);
});

Deno.test("a command frame with MORE is a protocol error", () => {
  assert.throws(
    () => new FrameDecoder().feed(rawFrame(FLAG_COMMAND | FLAG_MORE, pattern(5)), recorder()),
    (err: unknown) => err instanceof ProtocolError && err.code === "EPROTO",
  );
});

Deno.test("a command frame inside a multipart message is a protocol error", () => {
  const stream = new Uint8Array([
    ...rawFrame(FLAG_MORE, pattern(3)),
    ...rawFrame(FLAG_COMMAND, new Uint8Array([4, 80, 73, 78, 71, 0, 0])),
  ]);
  assert.throws(() => new FrameDecoder().feed(stream, recorder()), ProtocolError);
});

Deno.test("a short frame sent with an 8-byte size (legal, if wasteful) decodes", () => {
  const sink = recorder();
  new FrameDecoder().feed(rawFrame(0, pattern(5), true), sink);
  assert.deepEqual(sink.events, [{ message: [[...pattern(5)]] }]);
});

Deno.test("midMessage tells whether the input stops inside a message", () => {
  const decoder = new FrameDecoder();
  const sink = recorder();
  assert.equal(decoder.midMessage, false);
  decoder.feed(rawFrame(FLAG_MORE, pattern(3)), sink);
  assert.equal(decoder.midMessage, true);
  decoder.feed(rawFrame(0, pattern(3)), sink);
  assert.equal(decoder.midMessage, false);
  decoder.feed(new Uint8Array([0]), sink);
  assert.equal(decoder.midMessage, true, "half a header");
});

Deno.test("in raw mode every frame goes to onFrame with its flags", () => {
  const decoder = new FrameDecoder();
  decoder.raw = true;
  const seen: [number, number[]][] = [];
  decoder.feed(
    new Uint8Array([...rawFrame(FLAG_MORE, pattern(2)), ...rawFrame(FLAG_COMMAND, pattern(3))]),
    {
      onMessage: () => assert.fail("no message assembly in raw mode"),
      onCommand: () => assert.fail("no command parsing in raw mode"),
      onFrame: (flags, body) => seen.push([flags, [...body]]),
    },
  );
  assert.deepEqual(seen, [[FLAG_MORE, [...pattern(2)]], [FLAG_COMMAND, [...pattern(3)]]]);
});

Deno.test("in raw mode a large frame's storage of its own comes to onFrame as owned, read-buffer views do not", () => {
  const decoder = new FrameDecoder();
  decoder.raw = true;
  const seen: { length: number; owned: boolean | undefined; whole: boolean }[] = [];
  const large = pattern(300_000);
  decoder.feed(new Uint8Array([...rawFrame(0, pattern(100)), ...rawFrame(0, large)]), {
    onMessage: () => assert.fail("no message assembly in raw mode"),
    onCommand: () => assert.fail("no command parsing in raw mode"),
    onFrame: (_flags, body, owned) =>
      seen.push({
        length: body.length,
        owned,
        whole: body.byteOffset === 0 && body.byteLength === body.buffer.byteLength,
      }),
  });
  assert.deepEqual(seen, [
    { length: 100, owned: false, whole: false },
    { length: 300_000, owned: true, whole: true },
  ]);
});

Deno.test("size counts every byte of the batch, across batch buffers", () => {
  const encoder = new FrameEncoder(1024);
  for (let i = 0; i < 100; i++) encoder.message([pattern(100, i)]);
  assert.equal(encoder.size, 100 * 102);
  assert.equal(takeBytes(encoder).length, 100 * 102);
});

Deno.test("read buffers grow while reads fill them and shrink back once reads are small", () => {
  const decoder = new FrameDecoder();
  const sink = recorder();
  assert.equal(decoder.readTarget().length, MIN_SLAB_SIZE, "a new connection holds a small buffer");
  const encoder = new FrameEncoder();
  for (let i = 0; i < 20_000; i++) encoder.message([pattern(64, i)]);
  const burst = takeBytes(encoder);
  let offset = 0;
  let largest = 0;
  while (offset < burst.length) {
    const target = decoder.readTarget();
    largest = Math.max(largest, target.length);
    const n = Math.min(target.length, burst.length - offset);
    target.set(burst.subarray(offset, offset + n));
    offset += n;
    decoder.commit(n, sink);
  }
  assert.ok(largest > SLAB_SIZE / 2, `reads that fill their room grow the buffer (${largest})`);
  const small = new Uint8Array([0, 1, 0x61]); // a one-byte message
  for (let i = 0; i < 64; i++) decoder.feed(small, sink);
  assert.ok(
    decoder.readTarget().length <= MIN_SLAB_SIZE,
    "small reads bring the buffer back to the smallest size",
  );
  assert.equal(sink.events.length, 20_064);
});

/** Encodes `count` single-frame messages of `size` bytes into one byte stream. */
function steadyStream(size: number, count: number): Uint8Array {
  const encoder = new FrameEncoder();
  for (let i = 0; i < count; i++) encoder.message([pattern(size, i)]);
  return takeBytes(encoder);
}

/**
 * Feeds `bytes` as a kernel with plenty queued does: every read fills the
 * room it is offered. Returns the stream offsets at which the reads ended.
 */
function feedFull(decoder: FrameDecoder, bytes: Uint8Array, sink: FrameSink): number[] {
  const ends: number[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const target = decoder.readTarget();
    const n = Math.min(target.length, bytes.length - offset);
    target.set(bytes.subarray(offset, offset + n));
    offset += n;
    ends.push(offset);
    decoder.commit(n, sink);
  }
  return ends;
}

Deno.test("reads of a steady stream of 64 KiB frames end on frame boundaries (no partial frame to copy)", () => {
  const size = 64 * 1024;
  const frame = 9 + size;
  const sink = recorder();
  const ends = feedFull(new FrameDecoder(), steadyStream(size, 64), sink);
  assert.equal(sink.events.length, 64);
  // The first reads come before the decoder has seen a frame; after that, every one.
  const later = ends.slice(ends.findIndex((end) => end > 2 * frame));
  assert.ok(later.length >= 10, `${later.length} reads`);
  assert.deepEqual(later.filter((end) => end % frame !== 0), [], "reads ending inside a frame");
});

Deno.test("frames of a steady 64 KiB stream share buffers cut to whole frames, none larger than the slab", () => {
  const size = 64 * 1024;
  const buffers = new Set<ArrayBufferLike>();
  const sink: FrameSink = {
    onMessage: (frames) => buffers.add(frames[0].buffer),
    onCommand: () => {},
  };
  feedFull(new FrameDecoder(), steadyStream(size, 64), sink);
  const sizes = [...buffers].map((b) => b.byteLength);
  assert.ok(sizes.every((n) => n <= SLAB_SIZE + 64 * 1024), `buffer sizes ${sizes}`);
  const whole = sizes.filter((n) => n % (9 + size) === 0);
  assert.ok(whole.length >= sizes.length - 2, `buffers cut to whole frames: ${sizes}`);
});

Deno.test("a large frame as long as one the peer already sent is read into storage of its exact size", () => {
  const size = 1024 * 1024;
  const bodies: Uint8Array[] = [];
  const sink: FrameSink = { onMessage: (frames) => bodies.push(frames[0]), onCommand: () => {} };
  const decoder = new FrameDecoder();
  const stream = steadyStream(size, 3);
  // Small pieces first: the first frame's storage grows with what arrives.
  feedInPieces(decoder, stream.subarray(0, 9 + size), sink, () => 4096);
  // The next header and a little of its body: storage of the whole frame, read into in place.
  decoder.feed(stream.subarray(9 + size, 9 + size + 100), sink);
  assert.equal(decoder.readTarget().length, size - 91, "the rest of the frame in one read");
  feedFull(decoder, stream.subarray(9 + size + 100), sink);
  assert.equal(bodies.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(bodies[i], pattern(size, i));
    assert.equal(bodies[i].buffer.byteLength, size, `frame ${i} owns exactly its bytes`);
  }
});

Deno.test("after large frames the read that brings the next header is small", () => {
  const size = 1024 * 1024;
  const decoder = new FrameDecoder();
  const sink = recorder();
  // Small messages first grow the read buffer to its largest size.
  feedFull(decoder, steadyStream(64, 20_000), sink);
  feedFull(decoder, steadyStream(size, 2), sink);
  assert.equal(sink.events.length, 20_002);
  // The next body's first part would be copied out of this buffer into the frame's own.
  assert.ok(decoder.readTarget().length <= 16 * 1024, `${decoder.readTarget().length} bytes`);
});

Deno.test("encodeMessage gives the bytes the batch encoder gives, for short, long and empty frames", () => {
  const messages = [
    [new Uint8Array(0)],
    [new Uint8Array(255).fill(1)],
    [new Uint8Array(256).fill(2), new Uint8Array(0), new Uint8Array(3).fill(3)],
    [new Uint8Array(70_000).fill(4), new Uint8Array(1).fill(5)],
  ];
  for (const msg of messages) {
    const encoder = new FrameEncoder();
    encoder.message(msg);
    const chunks = encoder.take();
    const batch = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let pos = 0;
    for (const chunk of chunks) {
      batch.set(chunk, pos);
      pos += chunk.length;
    }
    assert.deepEqual(encodeMessage(msg), batch);
    assert.equal(encodedSize(msg), batch.length);
  }
});
