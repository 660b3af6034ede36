import assert from "node:assert/strict";
import {
  FLAG_LONG,
  FLAG_MORE,
  FrameDecoder,
  FrameEncoder,
  type FrameRun,
  type FrameSink,
} from "../../src/wire/frame.ts";

/** A sink that takes runs as runs, and records what came how. */
function runRecorder(): FrameSink & { log: string[] } {
  const log: string[] = [];
  const text = (frames: Uint8Array[]) => frames.map((f) => new TextDecoder().decode(f)).join("+");
  return {
    log,
    onMessage: (frames) => log.push(`single ${text(frames)}`),
    onMessages: (run: FrameRun) => {
      const messages: string[] = [];
      while (run.remaining > 0) messages.push(text(run.next()));
      log.push(`run ${messages.join(" ")}`);
    },
    onCommand: () => {},
  };
}

function encode(messages: string[][]): Uint8Array {
  const encoder = new FrameEncoder();
  for (const msg of messages) encoder.message(msg.map((f) => new TextEncoder().encode(f)));
  const chunks = encoder.take();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}

Deno.test("the messages of one read reach onMessages as one run, in order", () => {
  const sink = runRecorder();
  new FrameDecoder().feed(encode([["a"], ["b", "c"], ["d"]]), sink);
  assert.deepEqual(sink.log, ["run a b+c d"]);
});

Deno.test("a read that completes one message hands it over as a message, not a run", () => {
  const sink = runRecorder();
  const decoder = new FrameDecoder();
  decoder.feed(encode([["", "request"]]), sink);
  decoder.feed(encode([["x"], ["y"]]), sink);
  assert.deepEqual(sink.log, ["single +request", "run x y"]);
});

Deno.test("a multipart message split across reads arrives whole, after the run before it", () => {
  const bytes = encode([["a"], ["b", "c"], ["d"]]);
  const decoder = new FrameDecoder();
  const sink = runRecorder();
  // "a" is 3 bytes, "b" with MORE 3 more: the first read ends between "b" and "c".
  decoder.feed(bytes.subarray(0, 6), sink);
  decoder.feed(bytes.subarray(6), sink);
  assert.deepEqual(sink.log, ["single a", "single b+c", "single d"]);
});

Deno.test("a message with a frame too large for the read buffer comes after the run before it", () => {
  const big = new Uint8Array(40).fill(0x7a);
  const head = new Uint8Array([0, 1, 0x61, FLAG_MORE, 1, 0x62, FLAG_LONG, 0, 0, 0, 0, 0, 0, 0, 40]);
  const bytes = new Uint8Array(head.length + big.length);
  bytes.set(head);
  bytes.set(big, head.length);
  // A 32-byte slab: frames of 16 bytes or more get storage of their own.
  const decoder = new FrameDecoder(-1, 32);
  const sink = runRecorder();
  decoder.feed(bytes, sink);
  assert.deepEqual(sink.log, ["single a", `single b+${"z".repeat(40)}`]);
});

Deno.test("a run's messages stay intact after the decoder has moved on to new buffers", () => {
  const decoder = new FrameDecoder(-1, 64);
  const runs: FrameRun[] = [];
  const sink: FrameSink = {
    onMessage: () => assert.fail("every message fits a read"),
    onMessages: (run) => runs.push(run),
    onCommand: () => {},
  };
  for (let i = 0; i < 20; i++) decoder.feed(encode([[`m${i}`], [`n${i}`]]), sink);
  const texts = runs.flatMap((run) => {
    const out: string[] = [];
    while (run.remaining > 0) out.push(new TextDecoder().decode(run.next()[0]));
    return out;
  });
  assert.deepEqual(texts, Array.from({ length: 20 }, (_, i) => [`m${i}`, `n${i}`]).flat());
});

Deno.test("peek shows a run's next message without taking it", () => {
  let run: FrameRun | undefined;
  new FrameDecoder().feed(encode([["a"], ["b"]]), {
    onMessage: () => {},
    onMessages: (r) => run = r,
    onCommand: () => {},
  });
  assert.deepEqual(run!.peek(), [new TextEncoder().encode("a")]);
  assert.equal(run!.remaining, 2);
  assert.deepEqual(run!.next(), [new TextEncoder().encode("a")]);
  assert.equal(run!.remaining, 1);
});

Deno.test("the messages decoded before a frame that breaks the protocol are still delivered", () => {
  const sink = runRecorder();
  const bytes = new Uint8Array([...encode([["a"], ["b"]]), 0, 11, ...new Uint8Array(11)]);
  // A 10-byte limit: "a" and "b" pass, the 11-byte frame after them does not.
  assert.throws(() => new FrameDecoder(10).feed(bytes, sink), /maxMessageSize/);
  assert.deepEqual(sink.log, ["run a b"]);
});
