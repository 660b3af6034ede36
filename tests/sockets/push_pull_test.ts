import assert from "node:assert/strict";
import { Pull, Push, ZmqError } from "../../mod.ts";
import { parseErrorReason, pingData } from "../../src/wire/command.ts";
import { decodeMetadata, metadataText } from "../../src/wire/metadata.ts";
import { delay, pattern, texts, within } from "../helpers.ts";
import { eventsOf, freePort, RawPeer, recordEvents } from "./raw_peer.ts";

const ANY = "tcp://127.0.0.1:*";

/** Asserts that `promise` rejects with a ZmqError of the given code. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(
    within(5000, promise),
    (err: unknown) => err instanceof ZmqError && err.code === code,
  );
}

/** A bound Pull and a Push connected to it. */
async function pipeline(
  pullOptions: ConstructorParameters<typeof Pull>[0] = {},
  pushOptions: ConstructorParameters<typeof Push>[0] = {},
): Promise<{ pull: Pull; push: Push }> {
  const pull = new Pull(pullOptions);
  await pull.bind(ANY);
  const push = new Push(pushOptions);
  push.connect(pull.lastEndpoint!);
  return { pull, push };
}

// ---- messages ------------------------------------------------------------------

Deno.test("a multipart message with empty frames arrives whole and in order", async () => {
  const { pull, push } = await pipeline();
  await push.send(["", "a", "", "", "bc", ""]);
  await push.send([""]);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["", "a", "", "", "bc", ""]);
  assert.deepEqual(texts(await within(5000, pull.receive())), [""]);
  push.close();
  pull.close();
});

Deno.test("frames of 0, 255, 256 bytes, 64 KiB and 4 MiB arrive intact", async () => {
  const { pull, push } = await pipeline();
  const sizes = [0, 255, 256, 64 * 1024, 4 * 1024 * 1024];
  for (const [i, size] of sizes.entries()) await push.send(pattern(size, i));
  await push.send(sizes.map((size, i) => pattern(size, i + 10)));
  for (const [i, size] of sizes.entries()) {
    assert.deepEqual(await within(10000, pull.receive()), [pattern(size, i)], `${size} bytes`);
  }
  assert.deepEqual(
    await within(10000, pull.receive()),
    sizes.map((size, i) => pattern(size, i + 10)),
  );
  push.close();
  pull.close();
});

Deno.test("many messages arrive complete and in order", async () => {
  const { pull, push } = await pipeline();
  const count = 20_000;
  const sending = (async () => {
    for (let i = 0; i < count; i++) await push.send(["n", String(i)]);
  })();
  for (let i = 0; i < count; i++) {
    const msg = await within(10000, pull.receive());
    assert.deepEqual(texts(msg), ["n", String(i)]);
  }
  await within(5000, sending);
  push.close();
  pull.close();
});

Deno.test("send accepts strings, Uint8Array, ArrayBuffer and other views", async () => {
  const { pull, push } = await pipeline();
  await push.send([
    "s",
    new Uint8Array([1]),
    new Uint8Array([2, 3]).buffer,
    new Uint16Array([0x0504]),
  ]);
  const frames = await within(5000, pull.receive());
  assert.deepEqual(frames.map((f) => [...f]), [[115], [1], [2, 3], [4, 5]]);
  push.close();
  pull.close();
});

// ---- connecting ------------------------------------------------------------------

Deno.test("a Push may connect before the Pull binds", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const push = new Push({ reconnectInterval: 20 });
  push.connect(endpoint);
  await push.send("early");
  await delay(50);
  const pull = new Pull();
  await pull.bind(endpoint);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["early"]);
  push.close();
  pull.close();
});

Deno.test("a Push reconnects after the Pull it talks to restarts", async () => {
  const first = new Pull();
  await first.bind(ANY);
  const endpoint = first.lastEndpoint!;
  const push = new Push({ reconnectInterval: 20 });
  const events = recordEvents(push);
  push.connect(endpoint);
  await push.send("one");
  assert.deepEqual(texts(await within(5000, first.receive())), ["one"]);
  first.close();
  await within(5000, eventsOf(events, "disconnect"));

  const second = new Pull();
  await second.bind(endpoint);
  await within(5000, eventsOf(events, "handshake", 2));
  await push.send("two");
  assert.deepEqual(texts(await within(5000, second.receive())), ["two"]);
  push.close();
  second.close();
});

Deno.test("a Push retries every reconnectInterval ms while nobody listens", async () => {
  const push = new Push({ reconnectInterval: 10, linger: 0 });
  const events = recordEvents(push);
  push.connect(`tcp://127.0.0.1:${freePort()}`);
  await within(5000, eventsOf(events, "connect:retry", 4));
  push.close();
  const intervals = events.filter((e) => e.type === "connect:retry").map((e) => e.interval);
  assert.deepEqual(intervals.slice(0, 4), [10, 10, 10, 10]);
  assert.ok(events.filter((e) => e.type === "connect:delay").length >= 4);
});

Deno.test("reconnectInterval -1 makes one attempt and no retries", async () => {
  const push = new Push({ reconnectInterval: -1, linger: 0 });
  const events = recordEvents(push);
  push.connect(`tcp://127.0.0.1:${freePort()}`);
  await within(5000, eventsOf(events, "connect:delay"));
  await delay(100);
  push.close();
  assert.equal(events.filter((e) => e.type === "connect:delay").length, 1);
  assert.equal(events.filter((e) => e.type === "connect:retry").length, 0);
});

Deno.test("reconnectMaxInterval doubles the wait up to its limit", async () => {
  const push = new Push({ reconnectInterval: 5, reconnectMaxInterval: 40, linger: 0 });
  const events = recordEvents(push);
  push.connect(`tcp://127.0.0.1:${freePort()}`);
  await within(5000, eventsOf(events, "connect:retry", 6));
  push.close();
  const intervals = events.filter((e) => e.type === "connect:retry").map((e) => e.interval);
  assert.deepEqual(intervals.slice(0, 6), [5, 10, 20, 40, 40, 40]);
});

Deno.test("lastEndpoint gives the real port for :* and :0", async () => {
  const a = new Pull();
  const b = new Pull();
  assert.equal(a.lastEndpoint, null);
  await a.bind("tcp://127.0.0.1:*");
  await b.bind("tcp://127.0.0.1:0");
  for (const socket of [a, b]) {
    const match = /^tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(socket.lastEndpoint ?? "");
    assert.ok(match !== null, socket.lastEndpoint ?? "null");
    assert.ok(Number(match[1]) > 0);
  }
  assert.notEqual(a.lastEndpoint, b.lastEndpoint);
  a.close();
  b.close();
});

Deno.test("binding *:port listens on every interface", async () => {
  const port = freePort();
  const pull = new Pull();
  await pull.bind(`tcp://*:${port}`);
  assert.equal(pull.lastEndpoint, `tcp://0.0.0.0:${port}`);
  const push = new Push();
  push.connect(`tcp://127.0.0.1:${port}`);
  await push.send("via loopback");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["via loopback"]);
  push.close();
  pull.close();
});

Deno.test("a port already in use gives EADDRINUSE", async () => {
  const a = new Pull();
  await a.bind(ANY);
  const b = new Pull();
  await rejectsWith(b.bind(a.lastEndpoint!), "EADDRINUSE");
  a.close();
  b.close();
});

Deno.test("malformed endpoints give EINVAL, unknown transports EPROTONOSUPPORT", async () => {
  const push = new Push();
  for (
    const endpoint of ["127.0.0.1:5555", "tcp://127.0.0.1", "tcp://127.0.0.1:99999", "tcp://:5"]
  ) {
    await rejectsWith(push.bind(endpoint), "EINVAL");
    assert.throws(() => push.connect(endpoint), (e: unknown) => (e as ZmqError).code === "EINVAL");
  }
  for (const endpoint of ["tcp://*:5555", "tcp://127.0.0.1:*", "tcp://127.0.0.1:0"]) {
    assert.throws(
      () => push.connect(endpoint),
      (e: unknown) => (e as ZmqError).code === "EINVAL",
      `connect ${endpoint}`,
    );
  }
  for (const endpoint of ["sctp://127.0.0.1:5555", "pgm://eth0;239.192.1.1:5555", "http://x:1"]) {
    await rejectsWith(push.bind(endpoint), "EPROTONOSUPPORT");
    assert.throws(
      () => push.connect(endpoint),
      (e: unknown) => (e as ZmqError).code === "EPROTONOSUPPORT",
    );
  }
  push.close();
});

Deno.test("after unbind the port is free and new messages go elsewhere", async () => {
  const pull = new Pull();
  await pull.bind(ANY);
  const endpoint = pull.lastEndpoint!;
  const push = new Push({ reconnectInterval: 20 });
  const events = recordEvents(push);
  push.connect(endpoint);
  await push.send("before");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["before"]);

  await within(5000, pull.unbind(endpoint));
  await within(5000, eventsOf(events, "disconnect"));
  const other = new Pull();
  await other.bind(endpoint);
  await within(5000, eventsOf(events, "handshake", 2));
  await push.send("after");
  assert.deepEqual(texts(await within(5000, other.receive())), ["after"]);
  await rejectsWith(pull.unbind(endpoint), "ENOENT");
  push.close();
  pull.close();
  other.close();
});

Deno.test("once unbind resolves the address can be bound again", async () => {
  const pull = new Pull();
  await pull.bind(ANY);
  const endpoint = pull.lastEndpoint!;
  await within(5000, pull.unbind(endpoint));
  const other = new Pull();
  await within(5000, other.bind(endpoint));
  assert.equal(other.lastEndpoint, endpoint);
  pull.close();
  other.close();
});

Deno.test("after disconnect a Push sends only to its remaining peers", async () => {
  const a = new Pull();
  const b = new Pull();
  await a.bind(ANY);
  await b.bind(ANY);
  const push = new Push();
  const events = recordEvents(push);
  push.connect(a.lastEndpoint!);
  push.connect(b.lastEndpoint!);
  await within(5000, eventsOf(events, "handshake", 2));
  push.disconnect(a.lastEndpoint!);
  for (let i = 0; i < 10; i++) await push.send(String(i));
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(texts(await within(5000, b.receive())), [String(i)]);
  }
  a.receiveTimeout = 100;
  await rejectsWith(a.receive(), "EAGAIN");
  assert.throws(
    () => push.disconnect(a.lastEndpoint!),
    (e: unknown) => (e as ZmqError).code === "ENOENT",
  );
  push.close();
  a.close();
  b.close();
});

// ---- routing -----------------------------------------------------------------------

Deno.test("a Push load-balances across two Pulls in turn", async () => {
  const push = new Push();
  const events = recordEvents(push);
  await push.bind(ANY);
  const a = new Pull();
  const b = new Pull();
  a.connect(push.lastEndpoint!);
  b.connect(push.lastEndpoint!);
  await within(5000, eventsOf(events, "handshake", 2));
  for (let i = 0; i < 100; i++) await push.send(String(i));
  const fromA = [];
  const fromB = [];
  for (let i = 0; i < 50; i++) fromA.push(Number(texts(await within(5000, a.receive()))[0]));
  for (let i = 0; i < 50; i++) fromB.push(Number(texts(await within(5000, b.receive()))[0]));
  // Strict alternation: one peer got the even numbers, the other the odd ones.
  const [evens, odds] = fromA[0] % 2 === 0 ? [fromA, fromB] : [fromB, fromA];
  assert.deepEqual(evens, Array.from({ length: 50 }, (_, i) => 2 * i));
  assert.deepEqual(odds, Array.from({ length: 50 }, (_, i) => 2 * i + 1));
  push.close();
  a.close();
  b.close();
});

Deno.test("a Pull fair-queues: two busy Pushes are read in turn", async () => {
  const pull = new Pull();
  const events = recordEvents(pull);
  await pull.bind(ANY);
  const pushes = ["A", "B"].map(() => new Push());
  for (const [i, push] of pushes.entries()) {
    push.connect(pull.lastEndpoint!);
    for (let n = 0; n < 50; n++) await push.send(["AB"[i], String(n)]);
    push.close(); // lingers until all 50 are written, then disconnects
  }
  // Once both connections ended, every message sits in the Pull's queues.
  await within(5000, eventsOf(events, "disconnect", 2));
  const order = [];
  for (let i = 0; i < 100; i++) order.push(texts(await within(5000, pull.receive()))[0]);
  for (let i = 1; i < 100; i++) assert.notEqual(order[i], order[i - 1], `message ${i}`);
  pull.close();
});

// ---- waiting and timeouts ------------------------------------------------------------

Deno.test("at the send high-water mark send waits until the peer takes messages", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const push = new Push({ sendHighWaterMark: 3, reconnectInterval: 20 });
  push.connect(endpoint); // nobody there yet: messages wait in the pipe
  for (let i = 0; i < 3; i++) await within(1000, push.send(String(i)));
  let sent = false;
  const fourth = push.send("3").then(() => sent = true);
  await delay(50);
  assert.equal(sent, false, "the fourth send waits");
  const pull = new Pull();
  await pull.bind(endpoint);
  await within(5000, fourth);
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(texts(await within(5000, pull.receive())), [String(i)]);
  }
  push.close();
  pull.close();
});

Deno.test("a Pull that does not read holds back its Push (receive and send HWMs)", async () => {
  const pull = new Pull({ receiveHighWaterMark: 10 });
  await pull.bind(ANY);
  const push = new Push({ sendHighWaterMark: 10, sendTimeout: 500 });
  push.connect(pull.lastEndpoint!);
  const payload = pattern(64 * 1024);
  let sent = 0;
  // Without back-pressure this would queue 1000 × 64 KiB without complaint.
  while (sent < 1000) {
    try {
      await push.send([String(sent), payload]);
    } catch (err) {
      assert.equal((err as ZmqError).code, "EAGAIN");
      break;
    }
    sent++;
  }
  assert.ok(sent < 1000, `${sent} sends went through`);
  assert.ok(sent >= 20, "both high-water marks fill before send waits");
  for (let i = 0; i < sent; i++) {
    const [n, body] = await within(5000, pull.receive());
    assert.equal(texts([n])[0], String(i));
    assert.equal(body.length, payload.length);
  }
  push.close();
  pull.close();
});

Deno.test("at the high-water mark sendTimeout rejects with EAGAIN", async () => {
  const push = new Push({ sendHighWaterMark: 2, sendTimeout: 50 });
  push.connect(`tcp://127.0.0.1:${freePort()}`);
  await push.send("a");
  await push.send("b");
  await rejectsWith(push.send("c"), "EAGAIN");
  push.linger = 0;
  push.close();
});

Deno.test("sendTimeout 0 rejects at once when the message cannot be queued", async () => {
  const push = new Push({ sendTimeout: 0 });
  await rejectsWith(push.send("nobody to send to"), "EAGAIN");
  push.close();
});

Deno.test("receiveTimeout rejects with EAGAIN", async () => {
  const pull = new Pull({ receiveTimeout: 30 });
  await pull.bind(ANY);
  await rejectsWith(pull.receive(), "EAGAIN");
  pull.receiveTimeout = 0;
  await rejectsWith(pull.receive(), "EAGAIN");
  pull.close();
});

Deno.test("several pending receives complete in call order", async () => {
  const { pull, push } = await pipeline();
  const pending = [pull.receive(), pull.receive(), pull.receive()];
  for (const text of ["first", "second", "third"]) await push.send(text);
  const got = await within(5000, Promise.all(pending));
  assert.deepEqual(got.map(texts), [["first"], ["second"], ["third"]]);
  push.close();
  pull.close();
});

Deno.test("several pending sends complete in call order", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const push = new Push({ sendHighWaterMark: 1, reconnectInterval: 20 });
  push.connect(endpoint);
  await push.send("0");
  const done: number[] = [];
  const pending = [1, 2, 3].map((i) => push.send(String(i)).then(() => done.push(i)));
  const pull = new Pull();
  await pull.bind(endpoint);
  await within(5000, Promise.all(pending));
  assert.deepEqual(done, [1, 2, 3]);
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(texts(await within(5000, pull.receive())), [String(i)]);
  }
  push.close();
  pull.close();
});

Deno.test("Pull cannot send and Push cannot receive: ENOTSUP", async () => {
  const pull = new Pull();
  const push = new Push();
  await rejectsWith(pull.send("x"), "ENOTSUP");
  await rejectsWith(push.receive(), "ENOTSUP");
  pull.close();
  push.close();
});

// ---- closing ---------------------------------------------------------------------

Deno.test("close with linger delivers the messages still queued", async () => {
  const { pull, push } = await pipeline();
  for (let i = 0; i < 500; i++) await push.send(["m", String(i)]);
  await push.send(pattern(4 * 1024 * 1024, 1));
  push.close();
  for (let i = 0; i < 500; i++) {
    assert.deepEqual(texts(await within(5000, pull.receive())), ["m", String(i)]);
  }
  assert.deepEqual(await within(10000, pull.receive()), [pattern(4 * 1024 * 1024, 1)]);
  pull.close();
});

Deno.test("close right after a large send still delivers it", async () => {
  const { pull, push } = await pipeline();
  const events = recordEvents(push);
  await within(5000, eventsOf(events, "handshake"));
  const big = pattern(8 * 1024 * 1024, 3);
  await push.send(big);
  // Let the engine take the message and start writing it, then close.
  await delay(0);
  push.close();
  assert.deepEqual(await within(10000, pull.receive()), [big]);
  pull.close();
});

Deno.test("close with linger delivers to a peer that binds later", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const push = new Push({ linger: 5000, reconnectInterval: 20 });
  push.connect(endpoint);
  await push.send("kept");
  push.close();
  const pull = new Pull();
  await pull.bind(endpoint);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["kept"]);
  pull.close();
});

Deno.test("close with linger 0 drops queued messages at once", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const push = new Push({ linger: 0, reconnectInterval: 20 });
  push.connect(endpoint);
  await push.send("dropped");
  push.close();
  const pull = new Pull({ receiveTimeout: 200 });
  await pull.bind(endpoint);
  await rejectsWith(pull.receive(), "EAGAIN");
  pull.close();
});

Deno.test("close rejects pending receives with ETERM and later calls too", async () => {
  const pull = new Pull();
  const pending = pull.receive();
  pull.close();
  await rejectsWith(pending, "ETERM");
  await rejectsWith(pull.receive(), "ETERM");
  await rejectsWith(pull.bind(ANY), "ETERM");
  assert.equal(pull.closed, true);
  pull.close(); // a second close is harmless
});

Deno.test("`using` closes the socket at the end of the scope", async () => {
  let outside: Push;
  {
    using push = new Push();
    outside = push;
    assert.equal(push.closed, false);
  }
  assert.equal(outside.closed, true);
  await rejectsWith(outside.send("x"), "ETERM");
});

Deno.test("async iteration yields messages and ends when the socket closes", async () => {
  const { pull, push } = await pipeline();
  const seen: string[] = [];
  const loop = (async () => {
    for await (const msg of pull) {
      seen.push(texts(msg)[0]);
      if (seen.length === 3) setTimeout(() => pull.close(), 10);
    }
  })();
  for (const text of ["a", "b", "c"]) await push.send(text);
  await within(5000, loop);
  assert.deepEqual(seen, ["a", "b", "c"]);
  push.close();
});

Deno.test("async iteration yields messages already queued in order, then waits for more", async () => {
  const pull = new Pull();
  await pull.bind("inproc://iterate-queued");
  const push = new Push();
  push.connect("inproc://iterate-queued");
  for (const text of ["1", "2", "3"]) await push.send(text);
  const seen: string[] = [];
  const loop = (async () => {
    for await (const msg of pull) {
      seen.push(texts(msg)[0]);
      if (seen.length === 4) break;
    }
  })();
  await delay(20);
  assert.deepEqual(seen, ["1", "2", "3"]);
  await push.send("4");
  await within(5000, loop);
  assert.deepEqual(seen, ["1", "2", "3", "4"]);
  assert.equal(pull.closed, false, "break leaves the socket open");
  push.close();
  pull.close();
});

Deno.test("options are constructor fields and read/write properties", () => {
  const push = new Push({ sendHighWaterMark: 7, linger: 0, routingId: "me" });
  assert.equal(push.sendHighWaterMark, 7);
  assert.equal(push.linger, 0);
  assert.equal(push.routingId, "me");
  push.sendTimeout = 123;
  assert.equal(push.sendTimeout, 123);
  assert.throws(
    () => new Push({ sendHighWatermark: 1 } as unknown as { linger: number }),
    (e: unknown) => (e as ZmqError).code === "EINVAL",
  );
  push.close();
});

Deno.test("two loops over a socket's events both see every event", async () => {
  const pull = new Pull();
  const first = recordEvents(pull);
  const second = recordEvents(pull);
  await pull.bind(ANY);
  const push = new Push();
  push.connect(pull.lastEndpoint!);
  await within(5000, eventsOf(first, "handshake"));
  await within(5000, eventsOf(second, "handshake"));
  assert.deepEqual(first.map((e) => e.type), ["bind", "accept", "handshake"]);
  assert.deepEqual(second.map((e) => e.type), first.map((e) => e.type));
  push.close();
  pull.close();
});

Deno.test("events recorded before a loop starts are not lost", async () => {
  const pull = new Pull();
  const events = pull.events; // recording starts here
  await pull.bind(ANY);
  pull.close();
  const types = [];
  for await (const event of events) types.push(event.type);
  assert.deepEqual(types, ["bind", "close"]);
});

Deno.test("a message over maxMessageSize drops the connection with EMSGSIZE", async () => {
  const pull = new Pull({ maxMessageSize: 100, receiveTimeout: 200 });
  const events = recordEvents(pull);
  await pull.bind(ANY);
  const push = new Push({ reconnectInterval: 1000 });
  push.connect(pull.lastEndpoint!);
  await push.send(pattern(100));
  assert.deepEqual(await within(5000, pull.receive()), [pattern(100)]);
  await push.send([pattern(60), pattern(41)]);
  await within(5000, eventsOf(events, "disconnect"));
  const disconnect = events.find((e) => e.type === "disconnect")!;
  assert.equal((disconnect.error as { code?: string }).code, "EMSGSIZE");
  await rejectsWith(pull.receive(), "EAGAIN");
  push.close();
  pull.close();
});

Deno.test("a peer that never finishes its handshake is dropped after handshakeInterval", async () => {
  const pull = new Pull({ handshakeInterval: 50 });
  const events = recordEvents(pull);
  await pull.bind(ANY);
  const port = Number(pull.lastEndpoint!.slice(pull.lastEndpoint!.lastIndexOf(":") + 1));
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  // Say nothing: only our signature comes (the rest waits for the peer's, as in libzmq), then the close.
  const received: number[] = [];
  const chunk = new Uint8Array(64);
  for (
    let n = await within(5000, conn.read(chunk));
    n !== null;
    n = await within(5000, conn.read(chunk))
  ) {
    received.push(...chunk.subarray(0, n));
  }
  assert.deepEqual(received, [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]);
  await within(5000, eventsOf(events, "handshake:error:other"));
  conn.close();
  pull.close();
});

// ---- the wire, seen from a raw peer --------------------------------------------------------

Deno.test("an incompatible peer (PUSH to PUSH) gets an ERROR command and is dropped", async () => {
  const push = new Push();
  const events = recordEvents(push);
  await push.bind(ANY);
  const raw = await RawPeer.connect(push.lastEndpoint!);
  await raw.handshake("PUSH");
  const ready = await within(5000, raw.nextCommand());
  assert.equal(ready.name, "READY");
  const error = await within(5000, raw.nextCommand());
  assert.equal(error.name, "ERROR");
  assert.equal(parseErrorReason(error.data), "Invalid socket type");
  await within(5000, raw.readToEnd());
  assert.ok(raw.ended, "the connection is closed");
  await within(5000, eventsOf(events, "handshake:error:protocol"));
  raw.close();
  push.close();
});

Deno.test("two library Pushes refuse each other with handshake:error:protocol", async () => {
  const a = new Push();
  const b = new Push({ reconnectInterval: 1000 });
  const aEvents = recordEvents(a);
  const bEvents = recordEvents(b);
  await a.bind(ANY);
  b.connect(a.lastEndpoint!);
  await within(5000, eventsOf(aEvents, "handshake:error:protocol"));
  await within(5000, eventsOf(bEvents, "handshake:error:protocol"));
  assert.equal(aEvents.some((e) => e.type === "handshake"), false);
  a.close();
  b.close();
});

Deno.test("our greeting says 3.1 and NULL, and READY carries Socket-Type and Identity", async () => {
  const push = new Push({ routingId: "sender-7" });
  await push.bind(ANY);
  const raw = await RawPeer.connect(push.lastEndpoint!);
  await raw.handshake("PULL");
  const greeting = raw.peerGreeting!;
  assert.deepEqual([greeting[0], greeting[9], greeting[10], greeting[11]], [0xff, 0x7f, 3, 1]);
  assert.equal(new TextDecoder().decode(greeting.subarray(12, 16)), "NULL");
  assert.equal(greeting[32], 0, "NULL has no server role");
  const ready = await within(5000, raw.nextCommand());
  assert.equal(ready.name, "READY");
  const metadata = decodeMetadata(ready.data);
  assert.equal(metadataText(metadata, "Socket-Type"), "PUSH");
  assert.equal(metadataText(metadata, "Identity"), "sender-7");
  raw.close();
  push.close();
});

Deno.test("a ZMTP 3.0 peer is accepted", async () => {
  const pull = new Pull();
  await pull.bind(ANY);
  const raw = await RawPeer.connect(pull.lastEndpoint!);
  await raw.handshake("PUSH", 0);
  assert.equal((await within(5000, raw.nextCommand())).name, "READY");
  await raw.sendMessage([new TextEncoder().encode("from 3.0")]);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["from 3.0"]);
  raw.close();
  pull.close();
});

Deno.test("a PING is answered by a PONG carrying the same context", async () => {
  const pull = new Pull();
  await pull.bind(ANY);
  const raw = await RawPeer.connect(pull.lastEndpoint!);
  await raw.handshake("PUSH");
  assert.equal((await within(5000, raw.nextCommand())).name, "READY");
  const context = new TextEncoder().encode("ctx-123");
  await raw.sendCommand("PING", pingData(0, context));
  const pong = await within(5000, raw.nextCommand());
  assert.equal(pong.name, "PONG");
  assert.deepEqual(pong.data, context);
  raw.close();
  pull.close();
});
