/** SOCKS5 handshake bytes (RFC 1928, RFC 1929), as libzmq's socks.cpp writes and reads them. */

import assert from "node:assert/strict";
import { ZmqError } from "../../mod.ts";
import {
  encodeSocksAuth,
  encodeSocksConnect,
  encodeSocksGreeting,
  parseSocksProxy,
  socksHandshake,
  socksReplyLength,
} from "../../src/transport/socks.ts";

const hasCode = (code: string) => (err: unknown) => err instanceof ZmqError && err.code === code;

Deno.test("the greeting offers exactly one method: none, or user/password", () => {
  assert.deepEqual(encodeSocksGreeting(false), Uint8Array.of(5, 1, 0));
  assert.deepEqual(encodeSocksGreeting(true), Uint8Array.of(5, 1, 2));
});

Deno.test("the user/password request is RFC 1929's", () => {
  assert.deepEqual(encodeSocksAuth("al", "pw!"), Uint8Array.of(1, 2, 97, 108, 3, 112, 119, 33));
});

Deno.test("CONNECT names an IPv4 literal as an address", () => {
  assert.deepEqual(
    encodeSocksConnect("127.0.0.1", 5555),
    Uint8Array.of(5, 1, 0, 1, 127, 0, 0, 1, 0x15, 0xb3),
  );
});

Deno.test("CONNECT names an IPv6 literal as an address, :: and dotted tails expanded", () => {
  const loopback = new Uint8Array(16);
  loopback[15] = 1;
  assert.deepEqual(encodeSocksConnect("::1", 1), Uint8Array.of(5, 1, 0, 4, ...loopback, 0, 1));
  const mapped = encodeSocksConnect("::ffff:10.0.0.2", 80).subarray(4, 20);
  assert.deepEqual(mapped, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2));
  const full = encodeSocksConnect("2001:db8:0:0:0:0:0:ff", 80).subarray(4, 20);
  assert.deepEqual(full, Uint8Array.of(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff));
});

Deno.test("CONNECT leaves a host name for the proxy to resolve", () => {
  assert.deepEqual(
    encodeSocksConnect("db.internal", 80),
    Uint8Array.of(5, 1, 0, 3, 11, ...new TextEncoder().encode("db.internal"), 0, 80),
  );
  // Not an address, though it looks close to one.
  assert.equal(encodeSocksConnect("1.2.3.256", 80)[3], 3);
});

Deno.test("the CONNECT reply's length follows its address type", () => {
  assert.equal(socksReplyLength(Uint8Array.of(5, 0, 0, 1, 127)), 10);
  assert.equal(socksReplyLength(Uint8Array.of(5, 0, 0, 4, 0)), 22);
  assert.equal(socksReplyLength(Uint8Array.of(5, 0, 0, 3, 9)), 16);
});

Deno.test("a refused CONNECT says why; a reply that is not SOCKS5 is a protocol error", () => {
  assert.throws(() => socksReplyLength(Uint8Array.of(5, 5, 0, 1, 0)), hasCode("ECONNREFUSED"));
  assert.throws(() => socksReplyLength(Uint8Array.of(5, 4, 0, 1, 0)), hasCode("EHOSTUNREACH"));
  assert.throws(() => socksReplyLength(Uint8Array.of(4, 0, 0, 1, 0)), hasCode("EPROTO"));
  assert.throws(() => socksReplyLength(Uint8Array.of(5, 0, 0, 9, 0)), hasCode("EPROTO"));
});

Deno.test("the proxy address is host:port, IPv6 in brackets", () => {
  assert.deepEqual(parseSocksProxy("127.0.0.1:1080"), { host: "127.0.0.1", port: 1080 });
  assert.deepEqual(parseSocksProxy("[::1]:1080"), { host: "::1", port: 1080 });
  for (const bad of ["1080", ":1080", "host:", "host:0", "host:70000", "host:x"]) {
    assert.throws(() => parseSocksProxy(bad), hasCode("EINVAL"), bad);
  }
});

/** A scripted proxy: replies are handed out in order, a byte at a time; writes are recorded. */
function scriptedProxy(replies: number[][]) {
  const written: number[][] = [];
  const bytes = replies.flat();
  return {
    written,
    read: (into: Uint8Array) => {
      if (bytes.length === 0) return Promise.resolve(null);
      into[0] = bytes.shift()!;
      return Promise.resolve(1);
    },
    write: (chunk: Uint8Array) => {
      written.push([...chunk]);
      return Promise.resolve(chunk.length);
    },
  };
}

Deno.test("the handshake authenticates when the proxy picks user/password, then connects", async () => {
  const proxy = scriptedProxy([[5, 2], [1, 0], [5, 0, 0, 3, 2, 104, 105, 0, 80]]);
  await socksHandshake(proxy, "10.1.2.3", 80, { proxy: "p:1", username: "u", password: "p" });
  assert.deepEqual(proxy.written, [
    [5, 1, 2],
    [1, 1, 117, 1, 112],
    [5, 1, 0, 1, 10, 1, 2, 3, 0, 80],
  ]);
});

Deno.test("the handshake fails on a refused method, refused credentials or a closed proxy", async () => {
  const settings = { proxy: "p:1", username: "", password: "" };
  await assert.rejects(
    socksHandshake(scriptedProxy([[5, 0xff]]), "h", 1, settings),
    /requires authentication/,
  );
  await assert.rejects(
    socksHandshake(scriptedProxy([[5, 2], [1, 1]]), "h", 1, { ...settings, username: "u" }),
    /refused the user name and password/,
  );
  await assert.rejects(socksHandshake(scriptedProxy([[5]]), "h", 1, settings), hasCode("EPROTO"));
});
