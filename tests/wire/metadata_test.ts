import assert from "node:assert/strict";
import { ProtocolError } from "../../src/wire/frame.ts";
import { decodeMetadata, encodeMetadata, metadataText } from "../../src/wire/metadata.ts";

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

Deno.test("a property is name-length, name, 4-byte big-endian value length, value", () => {
  assert.deepEqual(
    [...encodeMetadata([["Socket-Type", "PUSH"]])],
    [11, ...ascii("Socket-Type"), 0, 0, 0, 4, ...ascii("PUSH")],
  );
});

Deno.test("properties round-trip, names case-insensitively", () => {
  const identity = new Uint8Array([0, 1, 2, 255]);
  const props = decodeMetadata(
    encodeMetadata([["Socket-Type", "DEALER"], ["Identity", identity], ["X-Empty", ""]]),
  );
  assert.equal(metadataText(props, "socket-type"), "DEALER");
  assert.equal(metadataText(props, "SOCKET-TYPE"), "DEALER");
  assert.deepEqual(props.get("identity"), identity);
  assert.deepEqual(props.get("x-empty"), new Uint8Array(0));
  assert.equal(metadataText(props, "User-Id"), undefined);
});

Deno.test("string values are UTF-8", () => {
  const props = decodeMetadata(encodeMetadata([["X-Name", "Zürich ✓"]]));
  assert.equal(metadataText(props, "X-Name"), "Zürich ✓");
});

Deno.test("a value longer than 255 bytes keeps its 4-byte length", () => {
  const value = new Uint8Array(70000).fill(7);
  const props = decodeMetadata(encodeMetadata([["X-Big", value]]));
  assert.deepEqual(props.get("x-big"), value);
});

Deno.test("decoded values are copies, independent of the command buffer", () => {
  const bytes = encodeMetadata([["Identity", "abc"]]);
  const props = decodeMetadata(bytes);
  bytes.fill(0);
  assert.equal(metadataText(props, "Identity"), "abc");
});

Deno.test("an empty property list decodes to no properties", () => {
  assert.equal(decodeMetadata(new Uint8Array(0)).size, 0);
});

Deno.test("names of 0 or more than 255 characters cannot be encoded", () => {
  assert.throws(() => encodeMetadata([["", "x"]]), RangeError);
  assert.throws(() => encodeMetadata([["N".repeat(256), "x"]]), RangeError);
  assert.equal(decodeMetadata(encodeMetadata([["N".repeat(255), "x"]])).size, 1);
});

Deno.test("malformed property lists are protocol errors", () => {
  const good = encodeMetadata([["Socket-Type", "PUSH"]]);
  const cases: [string, Uint8Array][] = [
    ["zero-length name", new Uint8Array([0, 0, 0, 0, 0])],
    ["name runs past the end", new Uint8Array([20, ...ascii("Socket")])],
    ["value length missing", good.subarray(0, 1 + 11 + 2)],
    ["value runs past the end", good.subarray(0, good.length - 1)],
    ["value length near 2^32", new Uint8Array([1, 65, 0xff, 0xff, 0xff, 0xff])],
  ];
  for (const [what, bytes] of cases) {
    assert.throws(() => decodeMetadata(bytes), ProtocolError, what);
  }
});
