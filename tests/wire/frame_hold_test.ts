import assert from "node:assert/strict";
import { FrameDecoder, FrameEncoder, type FrameSink } from "../../src/wire/frame.ts";
import { texts } from "../helpers.ts";

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A command, then a message, then another command, in one buffer. */
function stream(): Uint8Array {
  const encoder = new FrameEncoder();
  encoder.command("READY");
  encoder.message([new TextEncoder().encode("after")]);
  encoder.command("PING", new Uint8Array([0, 0]));
  return concat(encoder.take());
}

Deno.test("decoding stops after a command whose sink returns true, until resume", () => {
  const seen: string[] = [];
  let hold = true;
  const sink: FrameSink = {
    onMessage: (frames) => seen.push(`message ${texts(frames)}`),
    onCommand: (body) => {
      seen.push(`command ${body[0]}`);
      return hold;
    },
  };
  const decoder = new FrameDecoder();
  decoder.feed(stream(), sink);
  assert.deepEqual(seen, ["command 5"]);
  hold = false;
  decoder.resume(sink);
  assert.deepEqual(seen, ["command 5", "message after", "command 4"]);
});

Deno.test("frames held back are decoded in raw mode when it is switched on meanwhile", () => {
  const raw: number[] = [];
  const decoder = new FrameDecoder();
  const sink: FrameSink = {
    onMessage: () => assert.fail("no assembled message expected"),
    onCommand: () => true,
    onFrame: (flags, body) => raw.push(flags, body.length),
  };
  decoder.feed(stream(), sink);
  decoder.raw = true;
  decoder.resume(sink);
  assert.deepEqual(raw, [0, 5, 4, 7]);
});
