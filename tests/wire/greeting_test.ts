import assert from "node:assert/strict";
import {
  checkGreetingPrefix,
  decodeGreeting,
  encodeGreeting,
  GREETING_SIZE,
} from "../../src/wire/greeting.ts";

/** A greeting as a peer of the given version would send it. */
function peerGreeting(major: number, minor: number, mechanism = "NULL"): Uint8Array {
  const g = encodeGreeting(mechanism, false);
  g[10] = major;
  g[11] = minor;
  return g;
}

/** The refusal reason at the first prefix length that has one, or null. */
function firstRefusal(greeting: Uint8Array): { at: number; reason: string } | null {
  for (let length = 1; length <= greeting.length; length++) {
    const reason = checkGreetingPrefix(greeting, length);
    if (reason !== null) return { at: length, reason };
  }
  return null;
}

Deno.test("our greeting is 64 bytes: signature, version 3.1, mechanism, as-server, zero filler", () => {
  const g = encodeGreeting("NULL", false);
  assert.equal(g.length, GREETING_SIZE);
  assert.deepEqual([...g.subarray(0, 10)], [0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f]);
  assert.deepEqual([...g.subarray(10, 12)], [3, 1]);
  assert.deepEqual([...g.subarray(12, 16)], [..."NULL"].map((c) => c.charCodeAt(0)));
  assert.ok(g.subarray(16, 32).every((b) => b === 0), "mechanism is NUL padded to 20 bytes");
  assert.equal(g[32], 0);
  assert.ok(g.subarray(33).every((b) => b === 0), "filler is 31 zero bytes");
});

Deno.test("the as-server byte is 1 for a server mechanism", () => {
  assert.equal(encodeGreeting("PLAIN", true)[32], 1);
});

Deno.test("decodeGreeting reads version, mechanism and as-server", () => {
  assert.deepEqual(decodeGreeting(encodeGreeting("CURVE", true)), {
    major: 3,
    minor: 1,
    mechanism: "CURVE",
    asServer: true,
  });
  assert.deepEqual(decodeGreeting(peerGreeting(3, 0)), {
    major: 3,
    minor: 0,
    mechanism: "NULL",
    asServer: false,
  });
});

Deno.test("a 20-character mechanism name fills its field without a terminator", () => {
  const name = "ABCDEFGHIJKLMNOPQRST";
  assert.equal(decodeGreeting(encodeGreeting(name, false)).mechanism, name);
});

Deno.test("ZMTP 3.0 and 3.1 greetings pass the prefix check at every length", () => {
  assert.equal(firstRefusal(peerGreeting(3, 0)), null);
  assert.equal(firstRefusal(peerGreeting(3, 1)), null);
});

Deno.test("a later major version is accepted (we answer in 3.1, as libzmq does)", () => {
  assert.equal(firstRefusal(peerGreeting(4, 0)), null);
});

Deno.test("a ZMTP 2.0 greeting is refused as soon as its version byte arrives", () => {
  // ZMTP 2.0: the same 10-byte signature, then revision 1.
  const refusal = firstRefusal(peerGreeting(1, 0));
  assert.ok(refusal !== null);
  assert.equal(refusal.at, 11);
  assert.match(refusal.reason, /ZMTP 2\.0/);
});

Deno.test("a peer whose first byte is not 0xFF (ZMTP 1.0 or not ZMTP) is refused at once", () => {
  const http = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n".padEnd(64));
  assert.equal(firstRefusal(http)?.at, 1);
});

Deno.test("a signature without the 0x7F marker (ZMTP 1.0 long length) is refused at byte 10", () => {
  const g = peerGreeting(3, 1);
  g[9] = 0x00;
  assert.equal(firstRefusal(g)?.at, 10);
});
