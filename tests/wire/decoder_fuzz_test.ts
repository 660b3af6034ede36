// Hostile input at the codec: the greeting checks, the frame decoder and
// the command and metadata parsers get thousands of random and mutated
// streams (seeded: see tests/fuzz.ts). They may refuse a stream only with a
// ProtocolError, and may allocate only in proportion to the bytes that
// actually arrived, whatever length a frame declares.
import assert from "node:assert/strict";
import { FrameDecoder, type FrameSink, ProtocolError, SLAB_SIZE } from "../../src/wire/frame.ts";
import {
  decodeGreeting,
  GREETING_SIZE,
  peerProtocol,
  ZMTP2_GREETING_SIZE,
} from "../../src/wire/greeting.ts";
import { parseCommand, parseErrorReason, parsePing } from "../../src/wire/command.ts";
import { decodeMetadata, metadataText } from "../../src/wire/metadata.ts";
import { fuzzSeed, fuzzStream, hexPrefix, Random } from "../fuzz.ts";
import { frame } from "../raw_zmtp.ts";

const CASES = 6000;

/** A sink that runs every parser the engine would run on what it is given. */
const parsingSink: FrameSink = {
  onMessage(frames: Uint8Array[]): void {
    assert.ok(frames.length > 0);
  },
  onCommand(body: Uint8Array): void {
    const { name, data } = parseCommand(body);
    if (name === "READY") metadataText(decodeMetadata(data), "Socket-Type");
    else if (name === "PING") parsePing(data);
    else if (name === "ERROR") parseErrorReason(data);
  },
};

/** The most a decoder may hold after `received` bytes, whatever sizes were declared. */
function allowedStorage(received: number): number {
  return Math.max(SLAB_SIZE, 64 * 1024, 16 * received) + SLAB_SIZE;
}

/** The bytes of storage the decoder reads into next. */
function storageOf(decoder: FrameDecoder): number {
  return decoder.readTarget().buffer.byteLength;
}

/**
 * Feeds `bytes` the way reads would deliver them, in pieces of random
 * size; returns the error that ended the stream, if any.
 */
function decodeInPieces(bytes: Uint8Array, rng: Random, maxMessageSize: number): unknown {
  const decoder = new FrameDecoder(maxMessageSize);
  decoder.maxCommandSize = 64 * 1024;
  let offset = 0;
  try {
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, 1 + rng.below(rng.chance(0.5) ? 16 : 4096));
      decoder.feed(bytes.subarray(offset, offset + n), parsingSink);
      offset += n;
      const held = storageOf(decoder);
      if (held > allowedStorage(offset)) {
        throw new Error(`holds ${held} bytes after receiving ${offset}`);
      }
    }
  } catch (err) {
    return err;
  }
  return undefined;
}

Deno.test("fuzz: greeting, decoder and parsers refuse bad streams with ProtocolError only, and allocate by bytes received", () => {
  const seed = fuzzSeed();
  const kinds = new Map<string, { cases: number; refused: number }>();
  const started = performance.now();
  for (let i = 0; i < CASES; i++) {
    const { kind, bytes } = fuzzStream(seed, i, "PUSH");
    const rng = new Random(seed + i);
    const stats = kinds.get(kind) ?? { cases: 0, refused: 0 };
    kinds.set(kind, stats);
    stats.cases++;
    const where = `seed ${seed}, case ${i} (${kind}): ${hexPrefix(bytes)}`;
    // The engine tells the protocol from the greeting's first bytes (ZMTP
    // 1.0 is refused), then decodes frames after a 2.0 or 3.x greeting.
    const protocol = peerProtocol(bytes, Math.min(bytes.length, GREETING_SIZE));
    const greetingSize = protocol === "zmtp2" ? ZMTP2_GREETING_SIZE : GREETING_SIZE;
    if (protocol === "zmtp1" || protocol === null || bytes.length < greetingSize) {
      stats.refused++;
      continue;
    }
    if (protocol === "zmtp3") assert.ok(decodeGreeting(bytes).major >= 2, where);
    const error = decodeInPieces(bytes.subarray(greetingSize), rng, rng.chance(0.3) ? 1000 : -1);
    if (error === undefined) continue;
    if (!(error instanceof ProtocolError)) {
      assert.fail(`${where}\nthrew ${(error as Error)?.stack ?? error}`);
    }
    stats.refused++;
  }
  const ms = performance.now() - started;
  console.log(
    `${CASES} streams (seed ${seed}) in ${ms.toFixed(0)} ms:`,
    Object.fromEntries(kinds),
  );
});

Deno.test("a declared length of 2^62 is refused at once, before any storage is taken", () => {
  for (const flags of [0, 1, 4]) {
    const decoder = new FrameDecoder();
    const before = storageOf(decoder);
    assert.throws(
      () => decoder.feed(frame(new Uint8Array(0), flags, { declaredSize: 2n ** 62n }), parsingSink),
      (err) => err instanceof ProtocolError && err.code === "EMSGSIZE",
    );
    assert.equal(storageOf(decoder), before);
  }
});

Deno.test("a declared length of 4 GiB with 100 KiB of body holds storage for what arrived only", () => {
  const decoder = new FrameDecoder();
  const body = new Uint8Array(100 * 1024);
  decoder.feed(frame(body, 0, { declaredSize: 2n ** 32n }), parsingSink);
  assert.ok(storageOf(decoder) <= 16 * body.length, `${storageOf(decoder)} bytes held`);
});

Deno.test("before the handshake, a command longer than the limit is refused from its header", () => {
  const decoder = new FrameDecoder();
  decoder.maxCommandSize = 64 * 1024;
  assert.throws(
    () => decoder.feed(frame(new Uint8Array(10), 4, { declaredSize: 64 * 1024 + 1 }), parsingSink),
    (err) => err instanceof ProtocolError && err.code === "EMSGSIZE",
  );
});
