import assert from "node:assert/strict";
import { ApduReader, ApduWriter, NO_MESSAGE_START } from "../../src/wire/pgm_apdu.ts";
import { parsePgm, type PgmData } from "../../src/wire/pgm.ts";
import type { Message } from "../../src/message.ts";
import { CAPTURED } from "./pgm_fixtures.ts";
import { pattern } from "../helpers.ts";

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));
}
const te = new TextEncoder();

/** The five messages libzmq's PUB sent in the capture. */
function capturedMessages(): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < 5; i++) {
    const body = new Uint8Array(1000).fill(0x78);
    body.set(te.encode(String(i).padStart(6, "0")));
    out.push([te.encode("topic"), body]);
  }
  return out;
}

function queue(messages: Message[]): () => Message | null {
  let i = 0;
  return () => (i < messages.length ? messages[i++] : null);
}

function writeAll(writer: ApduWriter, messages: Message[]): Uint8Array[] {
  const next = queue(messages);
  const apdus: Uint8Array[] = [];
  for (let apdu = writer.next(next); apdu; apdu = writer.next(next)) apdus.push(apdu);
  return apdus;
}

const CAPTURED_TSDUS = (["odataFirst", "odataSecond", "odataThird", "odataLast"] as const)
  .map((key) => (parsePgm(hex(CAPTURED[key])) as PgmData).tsdu);

Deno.test("apdu: the writer cuts libzmq's five messages into the same four APDUs", () => {
  const apdus = writeAll(new ApduWriter(1428), capturedMessages());
  assert.equal(apdus.length, 4);
  for (let i = 0; i < 4; i++) assert.deepEqual(apdus[i], CAPTURED_TSDUS[i], `APDU ${i}`);
});

Deno.test("apdu: the reader rebuilds libzmq's messages from its APDUs", () => {
  const reader = new ApduReader();
  const out: Message[] = [];
  for (const tsdu of CAPTURED_TSDUS) assert.equal(reader.push(tsdu, out), null);
  assert.deepEqual(out, capturedMessages());
});

Deno.test("apdu: a reader joining mid-stream starts at the first message boundary", () => {
  const reader = new ApduReader();
  const out: Message[] = [];
  for (const tsdu of CAPTURED_TSDUS.slice(1)) reader.push(tsdu, out);
  const offset = (CAPTURED_TSDUS[1][0] << 8) | CAPTURED_TSDUS[1][1];
  assert.notEqual(offset, NO_MESSAGE_START);
  assert.deepEqual(out, capturedMessages().slice(2));
});

Deno.test("apdu: an APDU with no message start (0xffff) does not join", () => {
  const writer = new ApduWriter(100);
  const apdus = writeAll(writer, [[pattern(500)], [te.encode("next")]]);
  assert.equal((apdus[1][0] << 8) | apdus[1][1], NO_MESSAGE_START);
  const reader = new ApduReader();
  const out: Message[] = [];
  for (const apdu of apdus.slice(1)) reader.push(apdu, out);
  assert.deepEqual(out, [[te.encode("next")]]);
});

Deno.test("apdu: an APDU that ends a message with nothing queued points past its end", () => {
  // libzmq sets the offset to where the next message would start even when
  // no message follows: equal to the APDU's payload length.
  const apdus = writeAll(new ApduWriter(50), [[pattern(60)]]);
  assert.equal(apdus.length, 2);
  const last = apdus[1];
  assert.equal((last[0] << 8) | last[1], last.length - 2);
  const reader = new ApduReader();
  const out: Message[] = [];
  reader.push(last, out);
  assert.equal(reader.joined, true);
  assert.deepEqual(out, []);
});

Deno.test("apdu: multipart and 64 KiB+ messages survive many APDUs", () => {
  const messages: Message[] = [
    [te.encode("a"), te.encode(""), pattern(70000, 3)],
    [pattern(254)],
    [pattern(253), pattern(255)],
    [te.encode("last")],
  ];
  const apdus = writeAll(new ApduWriter(1428), messages);
  assert.ok(apdus.length > 49);
  for (const apdu of apdus) assert.ok(apdu.length <= 1428);
  const reader = new ApduReader();
  const out: Message[] = [];
  for (const apdu of apdus) assert.equal(reader.push(apdu, out), null);
  assert.deepEqual(out, messages);
});

Deno.test("apdu: after a reset the reader resumes at the next whole message", () => {
  const messages: Message[] = [[pattern(3000, 1)], [pattern(3000, 2)], [te.encode("c")]];
  const apdus = writeAll(new ApduWriter(1000), messages);
  const reader = new ApduReader();
  const out: Message[] = [];
  reader.push(apdus[0], out);
  reader.reset(); // apdus[1] was lost for good
  for (const apdu of apdus.slice(2)) reader.push(apdu, out);
  assert.deepEqual(out, messages.slice(1));
});

Deno.test("apdu: a zero length byte is a protocol error and the reader rejoins later", () => {
  const reader = new ApduReader();
  const out: Message[] = [];
  assert.equal(reader.push(Uint8Array.of(0, 0, 0, 1), out), "EPROTO");
  assert.equal(reader.joined, false);
  assert.equal(reader.push(Uint8Array.of(0, 0, 2, 0, 0x41), out), null);
  assert.deepEqual(out, [[Uint8Array.of(0x41)]]);
});

Deno.test("apdu: a frame above maxMessageSize is refused with EMSGSIZE", () => {
  const apdus = writeAll(new ApduWriter(1428), [[pattern(300)]]);
  const out: Message[] = [];
  assert.equal(new ApduReader(100).push(apdus[0], out), "EMSGSIZE");
  assert.deepEqual(out, []);
});

Deno.test("apdu: an offset beyond the APDU is refused", () => {
  assert.equal(new ApduReader().push(Uint8Array.of(0, 9, 2, 0), []), "EPROTO");
});
