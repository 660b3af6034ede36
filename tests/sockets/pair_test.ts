import assert from "node:assert/strict";
import { Pair, Push, ZmqError } from "../../mod.ts";
import { delay, eventually, pattern, texts, within } from "../helpers.ts";
import { eventsOf, freePort, recordEvents } from "./raw_peer.ts";

const ANY = "tcp://127.0.0.1:*";

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(
    within(5000, promise),
    (err: unknown) => err instanceof ZmqError && err.code === code,
  );
}

/** Two Pairs over tcp: `a` binds, `b` connects; resolves once they are connected. */
async function connectedPair(): Promise<{ a: Pair; b: Pair }> {
  const a = new Pair();
  const events = recordEvents(a);
  await a.bind(ANY);
  const b = new Pair();
  b.connect(a.lastEndpoint!);
  await within(5000, eventsOf(events, "handshake"));
  return { a, b };
}

Deno.test("Pairs exchange multipart messages with empty frames both ways", async () => {
  const { a, b } = await connectedPair();
  await a.send(["to b", "", "x"]);
  await b.send(["", "to a", ""]);
  assert.deepEqual(texts(await within(5000, b.receive())), ["to b", "", "x"]);
  assert.deepEqual(texts(await within(5000, a.receive())), ["", "to a", ""]);
  a.close();
  b.close();
});

Deno.test("frames of 0, 255, 256 bytes, 64 KiB and 4 MiB cross in both directions", async () => {
  const { a, b } = await connectedPair();
  const sizes = [0, 255, 256, 64 * 1024, 4 * 1024 * 1024];
  for (const [i, size] of sizes.entries()) {
    await a.send(pattern(size, i));
    await b.send(pattern(size, i + 100));
  }
  for (const [i, size] of sizes.entries()) {
    assert.deepEqual(await within(10000, b.receive()), [pattern(size, i)], `a→b ${size}`);
    assert.deepEqual(await within(10000, a.receive()), [pattern(size, i + 100)], `b→a ${size}`);
  }
  a.close();
  b.close();
});

Deno.test("a Pair may connect before its peer binds", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const b = new Pair({ reconnectInterval: 20 });
  b.connect(endpoint);
  await b.send("sent before the bind");
  await delay(50);
  const a = new Pair();
  await a.bind(endpoint);
  assert.deepEqual(texts(await within(5000, a.receive())), ["sent before the bind"]);
  await a.send("reply");
  assert.deepEqual(texts(await within(5000, b.receive())), ["reply"]);
  a.close();
  b.close();
});

Deno.test("a connecting Pair reconnects after the binder restarts", async () => {
  const { a, b } = await connectedPair();
  const endpoint = a.lastEndpoint!;
  const events = recordEvents(b);
  a.close();
  await within(5000, eventsOf(events, "disconnect"));
  const again = new Pair();
  await again.bind(endpoint);
  await within(5000, eventsOf(events, "handshake"));
  await b.send("after restart");
  assert.deepEqual(texts(await within(5000, again.receive())), ["after restart"]);
  await again.send("welcome back");
  assert.deepEqual(texts(await within(5000, b.receive())), ["welcome back"]);
  again.close();
  b.close();
});

Deno.test("a second peer is refused while the first is attached, and served after it leaves", async () => {
  const a = new Pair();
  const aEvents = recordEvents(a);
  await a.bind(ANY);
  const first = new Pair();
  first.connect(a.lastEndpoint!);
  await within(5000, eventsOf(aEvents, "handshake"));
  const firstAddress = aEvents.find((e) => e.type === "handshake")!.peer;

  const second = new Pair({ reconnectInterval: 20 });
  const secondEvents = recordEvents(second);
  second.connect(a.lastEndpoint!);
  // Each attempt completes its handshake, then a drops the connection, as libzmq does.
  await within(5000, eventsOf(secondEvents, "disconnect", 2));
  await a.send("for the first");
  assert.deepEqual(texts(await within(5000, first.receive())), ["for the first"]);

  first.close();
  await within(
    5000,
    eventually(() => aEvents.some((e) => e.type === "disconnect" && e.peer === firstAddress)),
  );
  // a has no peer now: this send waits until the second one is let in.
  await within(5000, a.send("for the second"));
  assert.deepEqual(texts(await within(5000, second.receive())), ["for the second"]);
  await second.send("from the second");
  assert.deepEqual(texts(await within(5000, a.receive())), ["from the second"]);
  a.close();
  second.close();
});

Deno.test("a Pair connected to two endpoints uses the second once it disconnects the first", async () => {
  const x = new Pair();
  const y = new Pair();
  await x.bind(ANY);
  await y.bind(ANY);
  const b = new Pair({ reconnectInterval: 20 });
  b.connect(x.lastEndpoint!);
  b.connect(y.lastEndpoint!); // refused by b itself: x's pipe came first
  await b.send("to x");
  assert.deepEqual(texts(await within(5000, x.receive())), ["to x"]);
  b.disconnect(x.lastEndpoint!);
  // b keeps trying y, as libzmq does, and takes it now that it is free.
  await within(5000, b.send("to y"));
  assert.deepEqual(texts(await within(5000, y.receive())), ["to y"]);
  await y.send("from y");
  assert.deepEqual(texts(await within(5000, b.receive())), ["from y"]);
  b.close();
  x.close();
  y.close();
});

Deno.test("a peer refused during its handshake leaves no heartbeat timer behind", async () => {
  const x = new Pair();
  const y = new Pair();
  await x.bind(ANY);
  await y.bind(ANY);
  const b = new Pair({ heartbeatInterval: 20, reconnectInterval: 20 });
  const events = recordEvents(b);
  b.connect(x.lastEndpoint!);
  b.connect(y.lastEndpoint!);
  // Each handshake with y ends in b refusing the new pipe and closing the engine.
  await within(5000, eventsOf(events, "handshake", 4));
  // Deno's sanitizers fail this test if a closed engine's heartbeat lives on.
  b.close();
  x.close();
  y.close();
});

Deno.test("messages from a peer that left can still be read", async () => {
  const { a, b } = await connectedPair();
  const events = recordEvents(a);
  for (const text of ["1", "2", "3"]) await b.send(text);
  b.close();
  await within(5000, eventsOf(events, "disconnect"));
  for (const text of ["1", "2", "3"]) {
    assert.deepEqual(texts(await within(5000, a.receive())), [text]);
  }
  a.close();
});

Deno.test("without a peer, send waits at the high-water mark and sendTimeout gives EAGAIN", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const b = new Pair({ sendHighWaterMark: 2, reconnectInterval: 20 });
  b.connect(endpoint);
  await b.send("0");
  await b.send("1");
  b.sendTimeout = 50;
  await rejectsWith(b.send("dropped"), "EAGAIN");
  b.sendTimeout = -1;
  let sent = false;
  const waiting = b.send("2").then(() => sent = true);
  await delay(30);
  assert.equal(sent, false);
  const a = new Pair();
  await a.bind(endpoint);
  await within(5000, waiting);
  for (const text of ["0", "1", "2"]) {
    assert.deepEqual(texts(await within(5000, a.receive())), [text]);
  }
  a.close();
  b.close();
});

Deno.test("a Pair with no peer and no connection rejects send at once with sendTimeout 0", async () => {
  const a = new Pair({ sendTimeout: 0 });
  await rejectsWith(a.send("x"), "EAGAIN");
  a.close();
});

Deno.test("receiveTimeout gives EAGAIN", async () => {
  const { a, b } = await connectedPair();
  a.receiveTimeout = 30;
  await rejectsWith(a.receive(), "EAGAIN");
  a.close();
  b.close();
});

Deno.test("several pending receives complete in call order", async () => {
  const { a, b } = await connectedPair();
  const pending = [1, 2, 3, 4].map(() => a.receive());
  for (const text of ["w", "x", "y", "z"]) await b.send(text);
  assert.deepEqual((await within(5000, Promise.all(pending))).map(texts), [
    ["w"],
    ["x"],
    ["y"],
    ["z"],
  ]);
  a.close();
  b.close();
});

Deno.test("close with linger delivers queued messages", async () => {
  const { a, b } = await connectedPair();
  for (let i = 0; i < 200; i++) await b.send(String(i));
  b.close();
  for (let i = 0; i < 200; i++) {
    assert.deepEqual(texts(await within(5000, a.receive())), [String(i)]);
  }
  a.close();
});

Deno.test("`using` closes a Pair at the end of the scope", () => {
  let kept: Pair;
  {
    using a = new Pair();
    kept = a;
  }
  assert.equal(kept.closed, true);
});

Deno.test("async iteration over a Pair ends when it closes", async () => {
  const { a, b } = await connectedPair();
  const seen: string[] = [];
  const loop = (async () => {
    for await (const [frame] of a) seen.push(new TextDecoder().decode(frame));
  })();
  await b.send("one");
  await b.send("two");
  await within(
    5000,
    (async () => {
      while (seen.length < 2) await delay(5);
    })(),
  );
  a.close();
  await within(5000, loop);
  assert.deepEqual(seen, ["one", "two"]);
  b.close();
});

Deno.test("a Pair refuses a Push peer with handshake:error:protocol", async () => {
  const a = new Pair();
  const events = recordEvents(a);
  await a.bind(ANY);
  const push = new Push({ reconnectInterval: 1000 });
  push.connect(a.lastEndpoint!);
  await within(5000, eventsOf(events, "handshake:error:protocol"));
  assert.equal(events.some((e) => e.type === "handshake"), false);
  push.close();
  a.close();
});
