/**
 * ZMTP 2.0 and older peers on the wire, byte by byte, as libzmq 4.3 treats
 * them (zmtp_engine.cpp): the greeting goes out in steps, a peer's version
 * byte picks the protocol, a ZMTP 2.0 peer gets our socket type and our
 * identity as the first message, and subscriptions travel as messages.
 * tests/interop/jeromq_test.ts runs the same against a real ZMTP 2.0 peer.
 */

import assert from "node:assert/strict";
import { Publisher, Pull, Push, Subscriber } from "../../mod.ts";
import { delay, eventually, texts, within } from "../helpers.ts";
import { eventsOf, recordEvents } from "./raw_peer.ts";

const ANY = "tcp://127.0.0.1:*";
const SIGNATURE = [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f];
/** ZMTP 2.0 socket type numbers (RFC 15). */
const V2 = { PUB: 1, SUB: 2, PULL: 7, PUSH: 8 };

/** A raw tcp connection that reads exactly what it asks for. */
class Wire {
  private buffered = new Uint8Array(0);
  private constructor(readonly conn: Deno.TcpConn) {}

  static async connect(endpoint: string): Promise<Wire> {
    const port = Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
    return new Wire(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async write(...bytes: (number | number[] | Uint8Array)[]): Promise<void> {
    const flat = bytes.flatMap((b) => typeof b === "number" ? [b] : [...b]);
    const data = Uint8Array.from(flat);
    let offset = 0;
    while (offset < data.length) offset += await this.conn.write(data.subarray(offset));
  }

  /** Exactly `n` bytes (fails if the connection ends first). */
  async read(n: number): Promise<number[]> {
    while (this.buffered.length < n) {
      const chunk = new Uint8Array(4096);
      const got = await within(5000, this.conn.read(chunk), `reading ${n} bytes`);
      if (got === null) throw new Error(`connection closed after ${this.buffered.length} bytes`);
      const joined = new Uint8Array(this.buffered.length + got);
      joined.set(this.buffered);
      joined.set(chunk.subarray(0, got), this.buffered.length);
      this.buffered = joined;
    }
    const out = [...this.buffered.subarray(0, n)];
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  /** True when nothing arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    if (this.buffered.length > 0) return false;
    const chunk = new Uint8Array(64);
    const read = this.conn.read(chunk).then((n) => {
      if (n !== null) this.buffered = chunk.slice(0, n);
      return n;
    });
    const result = await Promise.race([read, delay(ms).then(() => "silent" as const)]);
    if (result === "silent") {
      this.conn.close();
      await read.catch(() => {});
      return true;
    }
    return false;
  }

  /** Reads one ZMTP 2.0 message (short frames only): its frames as text. */
  async message(): Promise<string[]> {
    const frames: string[] = [];
    for (;;) {
      const [flags, size] = await this.read(2);
      frames.push(new TextDecoder().decode(Uint8Array.from(await this.read(size))));
      if ((flags & 1) === 0) return frames;
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

/** One short frame of a ZMTP 2.0 message. */
function frame(text: string, more = false): number[] {
  const body = [...new TextEncoder().encode(text)];
  return [more ? 1 : 0, body.length, ...body];
}

/** Plays a ZMTP 2.0 peer of `type` up to the end of both greetings; returns our socket type byte. */
async function v2Greetings(wire: Wire, type: number): Promise<number> {
  assert.deepEqual(await wire.read(10), SIGNATURE);
  await wire.write(SIGNATURE);
  assert.deepEqual(await wire.read(1), [3], "our major version, once our signature arrived");
  await wire.write(1, type);
  const [ourType] = await wire.read(1);
  return ourType;
}

Deno.test("the greeting goes out in steps: signature, then the major version, then the rest", async () => {
  using pull = new Pull({ routingId: "abcd" });
  await pull.bind(ANY);
  const wire = await Wire.connect(pull.lastEndpoint!);
  // The size field holds the routing id's length + 1, as libzmq writes it.
  assert.deepEqual(await wire.read(10), [0xff, 0, 0, 0, 0, 0, 0, 0, 5, 0x7f]);
  assert.ok(await wire.silentFor(200), "nothing more before our signature arrives");
});

Deno.test("a ZMTP 3.1 peer gets the rest of a 3.1 greeting after its version byte", async () => {
  using pull = new Pull();
  await pull.bind(ANY);
  const wire = await Wire.connect(pull.lastEndpoint!);
  await wire.read(10);
  await wire.write(SIGNATURE);
  assert.deepEqual(await wire.read(1), [3]);
  await wire.write(3);
  const rest = await wire.read(53);
  assert.equal(rest[0], 1, "minor version 1");
  assert.equal(new TextDecoder().decode(Uint8Array.from(rest.slice(1, 5))), "NULL");
  wire.close();
});

Deno.test("a ZMTP 2.0 PUSH: our socket type, our identity first, then its messages", async () => {
  using pull = new Pull();
  const events = recordEvents(pull);
  await pull.bind(ANY);
  const wire = await Wire.connect(pull.lastEndpoint!);
  assert.equal(await v2Greetings(wire, V2.PUSH), V2.PULL);
  assert.deepEqual(await wire.message(), [""], "our (empty) identity");
  await wire.write(frame("peer-id"), frame("hello", true), frame("world"));
  assert.deepEqual(texts(await within(5000, pull.receive())), ["hello", "world"]);
  await eventsOf(events, "handshake");
  wire.close();
});

Deno.test("a ZMTP 2.0 SUB's subscriptions are \\x01 messages; our PUB filters by them", async () => {
  using pub = new Publisher();
  await pub.bind(ANY);
  const wire = await Wire.connect(pub.lastEndpoint!);
  assert.equal(await v2Greetings(wire, V2.SUB), V2.PUB);
  await wire.message();
  await wire.write(frame(""), frame("\x01a"));
  await eventually(() => pub.topicCount === 1, 5000, "the subscription at the publisher");
  await pub.send("b-skipped");
  await pub.send("a-wanted");
  assert.deepEqual(await wire.message(), ["a-wanted"]);
  wire.close();
});

Deno.test("our SUB sends a ZMTP 2.0 PUB its subscriptions as \\x01 messages, not commands", async () => {
  using sub = new Subscriber();
  sub.subscribe("topic");
  await sub.bind(ANY);
  const wire = await Wire.connect(sub.lastEndpoint!);
  assert.equal(await v2Greetings(wire, V2.PUB), V2.SUB);
  await wire.write(frame(""));
  assert.deepEqual(await wire.message(), [""], "our identity");
  assert.deepEqual(await wire.message(), ["\x01topic"]);
  await wire.write(frame("topic.1"));
  assert.deepEqual(texts(await within(5000, sub.receive())), ["topic.1"]);
  wire.close();
});

Deno.test("a ZMTP 2.0 or 1.0 peer is refused where security or ZAP is on (as libzmq)", async () => {
  for (
    const options of [
      { plainServer: true },
      { zapDomain: "global", authenticate: () => true },
    ]
  ) {
    using pull = new Pull(options);
    const events = recordEvents(pull);
    await pull.bind(ANY);
    const wire = await Wire.connect(pull.lastEndpoint!);
    await wire.read(10);
    await wire.write(SIGNATURE);
    await wire.read(1);
    await wire.write(1, V2.PUSH);
    await eventsOf(events, "handshake:error:protocol");
    wire.close();
    const unversioned = await Wire.connect(pull.lastEndpoint!);
    await unversioned.write(1, 0);
    await eventsOf(events, "handshake:error:protocol", 2);
    unversioned.close();
  }
});

Deno.test("a ZMTP 1.0 PUSH without a greeting: its frames, our signature as our identity's header", async () => {
  using pull = new Pull();
  await pull.bind(ANY);
  const wire = await Wire.connect(pull.lastEndpoint!);
  // ZMTP 1.0: an empty identity (length 1 = the flags byte, flags 0), then a message.
  await wire.write(1, 0, 6, 0, ...new TextEncoder().encode("hello"));
  // Our signature reads as a 1.0 frame header: length = our (empty) identity + 1.
  assert.deepEqual(await wire.read(10), SIGNATURE);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["hello"]);
  wire.close();
});

Deno.test("a ZMTP 1.0 SUB without a greeting gets everything our PUB sends (it cannot subscribe)", async () => {
  using pub = new Publisher();
  await pub.bind(ANY);
  const wire = await Wire.connect(pub.lastEndpoint!);
  await wire.write(1, 0);
  assert.deepEqual(await wire.read(10), SIGNATURE);
  await eventually(() => pub.topicCount === 1, 5000, "the implied subscription");
  await pub.send(["any", "thing"]);
  // ZMTP 1.0 frames: length (flags + body), flags (1: more), body.
  assert.deepEqual(await wire.read(5), [4, 1, ...new TextEncoder().encode("any")]);
  assert.deepEqual(await wire.read(7), [6, 0, ...new TextEncoder().encode("thing")]);
  wire.close();
});

Deno.test("a ZMTP 1.0 peer with a greeting (version 0): the 2.0 greeting, then 1.0 frames", async () => {
  using pull = new Pull();
  await pull.bind(ANY);
  const wire = await Wire.connect(pull.lastEndpoint!);
  assert.deepEqual(await wire.read(10), SIGNATURE);
  await wire.write(SIGNATURE);
  assert.deepEqual(await wire.read(1), [3]);
  await wire.write(0, V2.PUSH);
  assert.deepEqual(await wire.read(1), [V2.PULL]);
  assert.deepEqual(await wire.read(2), [1, 0], "our empty identity in a 1.0 frame");
  await wire.write(1, 0, 3, 0, ...new TextEncoder().encode("hi"));
  assert.deepEqual(texts(await within(5000, pull.receive())), ["hi"]);
  wire.close();
});

Deno.test("a ZMTP 3.x greeting with major version 2 or 4 is answered as 3.1", async () => {
  for (const major of [2, 4]) {
    using push = new Push();
    await push.bind(ANY);
    const wire = await Wire.connect(push.lastEndpoint!);
    await wire.read(10);
    await wire.write(SIGNATURE);
    await wire.read(1);
    await wire.write(major, 0, ...new TextEncoder().encode("NULL"), ...new Array(48).fill(0));
    const rest = await wire.read(53);
    assert.equal(rest[0], 1, `minor 1 for major ${major}`);
    // READY follows: a command frame (flags 4).
    assert.equal((await wire.read(1))[0] & 4, 4);
    wire.close();
  }
});
