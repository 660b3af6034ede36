import assert from "node:assert/strict";
import {
  errorData,
  parseCommand,
  parseErrorReason,
  parsePing,
  pingData,
  readyData,
} from "../../src/wire/command.ts";
import { ProtocolError } from "../../src/wire/frame.ts";
import { decodeMetadata, metadataText } from "../../src/wire/metadata.ts";

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

Deno.test("a command body splits into its name and data", () => {
  const body = new Uint8Array([5, ...ascii("READY"), 1, 2, 3]);
  const { name, data } = parseCommand(body);
  assert.equal(name, "READY");
  assert.deepEqual([...data], [1, 2, 3]);
});

Deno.test("a command may have no data", () => {
  const { name, data } = parseCommand(new Uint8Array([4, ...ascii("PONG")]));
  assert.equal(name, "PONG");
  assert.equal(data.length, 0);
});

Deno.test("malformed command bodies are protocol errors", () => {
  assert.throws(() => parseCommand(new Uint8Array(0)), ProtocolError, "empty body");
  assert.throws(() => parseCommand(new Uint8Array([0, 1])), ProtocolError, "empty name");
  assert.throws(
    () => parseCommand(new Uint8Array([9, ...ascii("READY")])),
    ProtocolError,
    "name longer than the body",
  );
});

Deno.test("READY carries Socket-Type, and Identity only when there is one", () => {
  const plain = decodeMetadata(readyData("PUSH"));
  assert.deepEqual([...plain.keys()], ["socket-type"]);
  assert.equal(metadataText(plain, "Socket-Type"), "PUSH");
  assert.deepEqual([...decodeMetadata(readyData("DEALER", new Uint8Array(0))).keys()], [
    "socket-type",
  ]);
  const named = decodeMetadata(readyData("DEALER", new Uint8Array([0, 42])));
  assert.deepEqual(named.get("identity"), new Uint8Array([0, 42]));
});

Deno.test("ERROR data is a one-byte length and the reason", () => {
  assert.deepEqual([...errorData("Invalid socket type")], [19, ...ascii("Invalid socket type")]);
  assert.equal(parseErrorReason(errorData("Invalid socket type")), "Invalid socket type");
});

Deno.test("an ERROR reason is cut to 255 bytes", () => {
  const data = errorData("x".repeat(300));
  assert.equal(data[0], 255);
  assert.equal(data.length, 256);
  assert.equal(parseErrorReason(data), "x".repeat(255));
});

Deno.test("a malformed ERROR is a protocol error", () => {
  assert.throws(() => parseErrorReason(new Uint8Array(0)), ProtocolError);
  assert.throws(() => parseErrorReason(new Uint8Array([5, 65])), ProtocolError);
});

Deno.test("PING data is a TTL in deciseconds and up to 16 bytes of context", () => {
  const context = new Uint8Array([1, 2, 3]);
  const data = pingData(25_600, context);
  assert.deepEqual([...data], [0x01, 0x00, 1, 2, 3]);
  const ping = parsePing(data);
  assert.equal(ping.ttlMs, 25_600);
  assert.deepEqual(ping.context, context);
});

Deno.test("a PING TTL is clamped to what 16 bits of deciseconds hold", () => {
  assert.equal(parsePing(pingData(10_000_000)).ttlMs, 0xffff * 100);
  assert.equal(parsePing(pingData(-5)).ttlMs, 0);
});

Deno.test("PING context beyond 16 bytes is neither sent nor read", () => {
  const long = new Uint8Array(20).map((_, i) => i);
  assert.equal(pingData(0, long).length, 18);
  const parsed = parsePing(new Uint8Array([0, 0, ...long]));
  assert.deepEqual([...parsed.context], [...long.subarray(0, 16)]);
});

Deno.test("a PING shorter than its TTL field is a protocol error", () => {
  assert.throws(() => parsePing(new Uint8Array([1])), ProtocolError);
});
