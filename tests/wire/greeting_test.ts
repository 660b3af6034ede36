import assert from "node:assert/strict";
import {
  decodeGreeting,
  encodeGreeting,
  encodeSignature,
  GREETING_SIZE,
  peerProtocol,
  zmtp3Minor,
} from "../../src/wire/greeting.ts";

/** A greeting as a peer of the given version would send it. */
function peerGreeting(major: number, minor: number, mechanism = "NULL"): Uint8Array {
  const g = encodeGreeting(mechanism, false);
  g[10] = major;
  g[11] = minor;
  return g;
}

/** The protocol the greeting's prefix announces, and at which length it is first known. */
function detected(greeting: Uint8Array): { at: number; protocol: string } | null {
  for (let length = 1; length <= greeting.length; length++) {
    const protocol = peerProtocol(greeting, length);
    if (protocol !== null) return { at: length, protocol };
  }
  return null;
}

Deno.test("our greeting is 64 bytes: signature, version 3.1, mechanism, as-server, zero filler", () => {
  const g = encodeGreeting("NULL", false);
  assert.equal(g.length, GREETING_SIZE);
  assert.deepEqual([...g.subarray(0, 10)], [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]);
  assert.deepEqual([...g.subarray(10, 12)], [3, 1]);
  assert.deepEqual([...g.subarray(12, 16)], [..."NULL"].map((c) => c.charCodeAt(0)));
  assert.ok(g.subarray(16, 32).every((b) => b === 0), "mechanism is NUL padded to 20 bytes");
  assert.equal(g[32], 0);
  assert.ok(g.subarray(33).every((b) => b === 0), "filler is 31 zero bytes");
});

Deno.test("the signature's size field is the routing id's length + 1, as libzmq writes it", () => {
  assert.deepEqual([...encodeSignature(5)], [0xff, 0, 0, 0, 0, 0, 0, 0, 6, 0x7f]);
  assert.deepEqual([...encodeSignature(255).subarray(7, 9)], [1, 0]);
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

Deno.test("the version byte tells ZMTP 3.x from 2.0 (revision 1) and versioned 1.0 (revision 0)", () => {
  assert.deepEqual(detected(peerGreeting(3, 1)), { at: 11, protocol: "zmtp3" });
  assert.deepEqual(detected(peerGreeting(1, 0)), { at: 11, protocol: "zmtp2" });
  assert.deepEqual(detected(peerGreeting(0, 0)), { at: 11, protocol: "zmtp1" });
});

Deno.test("a major version 2 or 4+ is ZMTP 3.x, answered as 3.1 (as libzmq)", () => {
  for (const major of [2, 4, 255]) {
    assert.equal(detected(peerGreeting(major, 0))?.protocol, "zmtp3", `major ${major}`);
    assert.equal(zmtp3Minor(decodeGreeting(peerGreeting(major, 0))), 1, `major ${major}`);
  }
  assert.equal(zmtp3Minor(decodeGreeting(peerGreeting(3, 0))), 0);
});

Deno.test("a peer whose first byte is not 0xFF is an unversioned ZMTP 1.0 peer, known at once", () => {
  const http = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n".padEnd(64));
  assert.deepEqual(detected(http), { at: 1, protocol: "zmtp1" });
});

Deno.test("a signature whose last byte has bit 0 clear (a ZMTP 1.0 long length) is ZMTP 1.0 at byte 10", () => {
  const g = peerGreeting(3, 1);
  g[9] = 0x00;
  assert.deepEqual(detected(g), { at: 10, protocol: "zmtp1" });
});
