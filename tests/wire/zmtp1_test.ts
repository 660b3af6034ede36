import assert from "node:assert/strict";
import { ProtocolError } from "../../src/wire/frame.ts";
import { encodeZmtp1Message, Zmtp1Decoder } from "../../src/wire/zmtp1.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("ZMTP 1.0 frames: the length counts the flags byte; bit 0 of the flags is MORE", () => {
  assert.deepEqual(
    [...encodeZmtp1Message([bytes("ab"), bytes("")])],
    [3, 1, 97, 98, 1, 0],
  );
});

Deno.test("ZMTP 1.0 frames of 254 bytes or more take 0xFF and an 8-byte length", () => {
  const encoded = encodeZmtp1Message([new Uint8Array(254)]);
  assert.deepEqual([...encoded.subarray(0, 10)], [0xff, 0, 0, 0, 0, 0, 0, 0, 255, 0]);
  assert.equal(encoded.length, 10 + 254);
});

Deno.test("the ZMTP 1.0 decoder returns whole messages however the bytes are split", () => {
  const stream = new Uint8Array([
    ...encodeZmtp1Message([bytes("id")]),
    ...encodeZmtp1Message([bytes("a"), new Uint8Array(300), bytes("c")]),
  ]);
  for (const step of [1, 3, 7, stream.length]) {
    const decoder = new Zmtp1Decoder();
    const got: Uint8Array[][] = [];
    for (let i = 0; i < stream.length; i += step) {
      decoder.push(stream.subarray(i, i + step), (m) => got.push(m));
    }
    assert.deepEqual(
      got,
      [[bytes("id")], [bytes("a"), new Uint8Array(300), bytes("c")]],
      `step ${step}`,
    );
  }
});

Deno.test("the ZMTP 1.0 decoder refuses a zero length and a message over maxMessageSize", () => {
  assert.throws(() => new Zmtp1Decoder().push(Uint8Array.of(0), () => {}), ProtocolError);
  const huge = Uint8Array.of(0xff, 0x40, 0, 0, 0, 0, 0, 0, 0);
  assert.throws(() => new Zmtp1Decoder(1000).push(huge, () => {}), ProtocolError);
});
