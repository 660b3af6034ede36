import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher, XSubscriber, type ZmqError } from "../../mod.ts";
import { bytes, delay, eventually, texts, within } from "../helpers.ts";

/** A publisher bound on an ephemeral tcp port. */
async function boundPublisher(options: ConstructorParameters<typeof Publisher>[0] = {}) {
  const pub = new Publisher(options);
  await pub.bind("tcp://127.0.0.1:*");
  return pub;
}

/** Resolves once `pub` has seen `count` distinct prefixes (subscriptions travel asynchronously). */
function subscribed(pub: Publisher, count = 1) {
  return eventually(
    () => pub.topicCount >= count,
    5000,
    `${count} subscription(s) at the publisher`,
  );
}

/** Rejects unless `sub` has nothing to receive within `ms`. */
async function assertNothing(sub: Subscriber, ms = 100) {
  sub.receiveTimeout = ms;
  await assert.rejects(sub.receive(), (err: ZmqError) => err.code === "EAGAIN");
  sub.receiveTimeout = -1;
}

Deno.test("SUB receives only messages whose first frame starts with its prefix", async () => {
  const pub = await boundPublisher();
  const sub = new Subscriber();
  sub.subscribe("weather.");
  sub.connect(pub.lastEndpoint!);
  await subscribed(pub);
  await pub.send(["sports.42", "goal"]);
  await pub.send(["weather.10001", "21", "55"]);
  await pub.send(["weathe", "cut short"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["weather.10001", "21", "55"]);
  await assertNothing(sub);
  sub.close();
  pub.close();
});

Deno.test("SUB subscribes with a byte prefix", async () => {
  const pub = await boundPublisher();
  const sub = new Subscriber();
  sub.subscribe(new Uint8Array([0xff, 0x00]));
  sub.connect(pub.lastEndpoint!);
  await subscribed(pub);
  await pub.send(new Uint8Array([0xff, 0x01]));
  await pub.send(new Uint8Array([0xff, 0x00, 0x07]));
  assert.deepEqual(await within(5000, sub.receive()), [new Uint8Array([0xff, 0x00, 0x07])]);
  sub.close();
  pub.close();
});

Deno.test("SUB with an empty subscription receives every message", async () => {
  const pub = await boundPublisher();
  const sub = new Subscriber();
  sub.subscribe();
  sub.connect(pub.lastEndpoint!);
  await subscribed(pub);
  await pub.send("anything");
  await pub.send("");
  await pub.send(["multi", "part"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["anything"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), [""]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["multi", "part"]);
  sub.close();
  pub.close();
});

Deno.test("SUB without a subscription receives nothing", async () => {
  // inproc: the connection exists as soon as connect returns.
  const pub = new Publisher();
  await pub.bind("inproc://pub-no-subscription");
  const sub = new Subscriber();
  sub.connect("inproc://pub-no-subscription");
  await pub.send("hello");
  await assertNothing(sub);
  sub.close();
  pub.close();
});

Deno.test("a message matching several of a SUB's prefixes arrives once", async () => {
  const pub = await boundPublisher();
  const sub = new Subscriber();
  sub.subscribe("", "A", "AB", "ABC");
  sub.connect(pub.lastEndpoint!);
  await subscribed(pub, 4);
  await pub.send("ABCD");
  await pub.send("end");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["ABCD"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["end"]);
  sub.close();
  pub.close();
});

Deno.test("each subscriber gets the messages matching its own subscriptions", async () => {
  const pub = await boundPublisher();
  const subs = [new Subscriber(), new Subscriber(), new Subscriber()];
  subs[0].subscribe("A");
  subs[1].subscribe("B");
  subs[2].subscribe("A", "B");
  for (const sub of subs) sub.connect(pub.lastEndpoint!);
  // Subscriptions travel asynchronously: probe until every subscriber sees one.
  await probeUntilReceived(pub, subs);
  await pub.send(["A", "1"]);
  await pub.send(["B", "2"]);
  await pub.send(["C", "3"]);
  assert.deepEqual(texts(await within(5000, subs[0].receive())), ["A", "1"]);
  assert.deepEqual(texts(await within(5000, subs[1].receive())), ["B", "2"]);
  assert.deepEqual(texts(await within(5000, subs[2].receive())), ["A", "1"]);
  assert.deepEqual(texts(await within(5000, subs[2].receive())), ["B", "2"]);
  for (const sub of subs) await assertNothing(sub, 50);
  for (const sub of subs) sub.close();
  pub.close();
});

/**
 * Sends a probe on each subscriber's topic until every subscriber received
 * one, then drains the extra probes: proves every subscription arrived.
 */
async function probeUntilReceived(pub: Publisher, subs: Subscriber[]) {
  const got = subs.map(() => false);
  for (let round = 0; round < 100 && got.includes(false); round++) {
    await pub.send("A-probe");
    await pub.send("B-probe");
    await delay(20);
    for (let i = 0; i < subs.length; i++) {
      subs[i].receiveTimeout = 0;
      try {
        while (true) {
          const [topic] = await subs[i].receive();
          assert.match(new TextDecoder().decode(topic), /-probe$/);
          got[i] = true;
        }
      } catch (err) {
        if ((err as ZmqError).code !== "EAGAIN") throw err;
      } finally {
        subs[i].receiveTimeout = -1;
      }
    }
  }
  assert.ok(!got.includes(false), "every subscriber received a probe");
}

Deno.test("unsubscribe stops the messages of that prefix", async () => {
  const pub = await boundPublisher();
  const sub = new Subscriber();
  sub.subscribe("A", "B");
  sub.connect(pub.lastEndpoint!);
  await subscribed(pub, 2);
  sub.unsubscribe("A");
  await eventually(() => pub.topicCount === 1);
  await pub.send("A1");
  await pub.send("B1");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["B1"]);
  await assertNothing(sub);
  sub.close();
  pub.close();
});

Deno.test("a prefix subscribed twice stays until cancelled twice", async () => {
  const pub = await boundPublisher();
  const sub = new Subscriber();
  sub.subscribe("A");
  sub.subscribe("A");
  sub.connect(pub.lastEndpoint!);
  await subscribed(pub);
  sub.unsubscribe("A");
  await pub.send("A1");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["A1"]);
  assert.equal(pub.topicCount, 1);
  sub.unsubscribe("A");
  await eventually(() => pub.topicCount === 0);
  await pub.send("A2");
  await assertNothing(sub);
  sub.close();
  pub.close();
});

Deno.test("PUB drops a non-reading subscriber's messages at its high-water mark, without waiting", async () => {
  // inproc: one queue of sendHighWaterMark + receiveHighWaterMark messages.
  const pub = new Publisher({ sendHighWaterMark: 5 });
  await pub.bind("inproc://pub-hwm");
  const sub = new Subscriber({ receiveHighWaterMark: 5 });
  sub.subscribe();
  sub.connect("inproc://pub-hwm");
  await subscribed(pub);
  await within(
    2000,
    (async () => {
      for (let i = 0; i < 100; i++) await pub.send(String(i));
    })(),
    "100 sends to a full subscriber",
  );
  const received: string[] = [];
  sub.receiveTimeout = 50;
  try {
    while (true) received.push(texts(await sub.receive())[0]);
  } catch (err) {
    assert.equal((err as ZmqError).code, "EAGAIN");
  }
  assert.deepEqual(received, Array.from({ length: 10 }, (_, i) => String(i)));
  sub.close();
  pub.close();
});

Deno.test("PUB keeps serving a reading subscriber while another one is stuck at its high-water mark", async () => {
  const pub = await boundPublisher({ linger: 0 });
  const stuck = new Subscriber({ receiveHighWaterMark: 10 });
  const reader = new Subscriber();
  stuck.subscribe();
  reader.subscribe();
  stuck.connect(pub.lastEndpoint!);
  reader.connect(pub.lastEndpoint!);
  await probeAll(pub, [stuck, reader]);
  const payload = new Uint8Array(1000);
  const count = 20000;
  let seenEnd = false;
  const reading = (async () => {
    while (!seenEnd) seenEnd = texts(await reader.receive())[0] === "end";
  })();
  await within(
    20000,
    (async () => {
      for (let i = 0; i < count; i++) {
        await pub.send([String(i), payload]);
        if (i % 500 === 0) await delay(1); // let the engines run, as a real sender would
      }
    })(),
    "sending past a stuck subscriber",
  );
  // The reader may have missed some at its own high-water mark; repeat the end marker.
  await within(
    20000,
    (async () => {
      while (!seenEnd) {
        await pub.send("end");
        await delay(20);
      }
    })(),
    "the reading subscriber sees the end",
  );
  await reading;
  let stuckGot = 0;
  stuck.receiveTimeout = 200;
  try {
    while (true) {
      await stuck.receive();
      stuckGot++;
    }
  } catch (err) {
    assert.equal((err as ZmqError).code, "EAGAIN");
  }
  assert.ok(stuckGot < count, `the stuck subscriber lost messages (got ${stuckGot} of ${count})`);
  stuck.close();
  reader.close();
  pub.close();
});

/** Waits until each subscriber (subscribed to everything) received a probe, then drains. */
async function probeAll(pub: Publisher, subs: Subscriber[]) {
  const got = subs.map(() => false);
  for (let round = 0; round < 100 && got.includes(false); round++) {
    await pub.send("probe");
    await delay(20);
    for (let i = 0; i < subs.length; i++) {
      subs[i].receiveTimeout = 0;
      try {
        while (true) {
          await subs[i].receive();
          got[i] = true;
        }
      } catch (err) {
        if ((err as ZmqError).code !== "EAGAIN") throw err;
      } finally {
        subs[i].receiveTimeout = -1;
      }
    }
  }
  assert.ok(!got.includes(false), "every subscriber received a probe");
}

Deno.test("SUB sends its subscriptions again when the publisher restarts", async () => {
  const first = await boundPublisher();
  const endpoint = first.lastEndpoint!;
  const sub = new Subscriber({ reconnectInterval: 20 });
  sub.subscribe("news");
  sub.connect(endpoint);
  await subscribed(first);
  await first.send("news 1");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["news 1"]);
  first.close();

  const second = new Publisher();
  await within(5000, bindWhenFree(second, endpoint));
  await within(5000, subscribed(second), "resubscription after reconnect");
  await second.send("other");
  await second.send("news 2");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["news 2"]);
  sub.close();
  second.close();
});

/** Binds, retrying while the old socket's port is still being released. */
async function bindWhenFree(socket: Publisher, endpoint: string) {
  for (;;) {
    try {
      await socket.bind(endpoint);
      return;
    } catch (err) {
      if ((err as ZmqError).code !== "EADDRINUSE") throw err;
      await delay(20);
    }
  }
}

Deno.test("a SUB that binds gets messages from a PUB that connects", async () => {
  const sub = new Subscriber();
  sub.subscribe("x");
  await sub.bind("tcp://127.0.0.1:*");
  const pub = new Publisher();
  pub.connect(sub.lastEndpoint!);
  await subscribed(pub);
  await pub.send(["x", "1"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["x", "1"]);
  sub.close();
  pub.close();
});

Deno.test("PUB and SUB over inproc, connected before the bind", async () => {
  const sub = new Subscriber();
  sub.subscribe("t");
  sub.connect("inproc://pub-late");
  const pub = new Publisher();
  await pub.bind("inproc://pub-late");
  assert.equal(pub.topicCount, 1);
  await pub.send(["t", "hello"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["t", "hello"]);
  sub.close();
  pub.close();
});

Deno.test("inproc subscribers each get their own message array", async () => {
  const pub = new Publisher();
  await pub.bind("inproc://pub-own-array");
  const a = new Subscriber();
  const b = new Subscriber();
  for (const sub of [a, b]) {
    sub.subscribe();
    sub.connect("inproc://pub-own-array");
  }
  await pub.send(["t", "v"]);
  const first = await a.receive();
  first.shift();
  assert.deepEqual(texts(await b.receive()), ["t", "v"]);
  a.close();
  b.close();
  pub.close();
});

Deno.test("PUB refuses receive and SUB refuses send with ENOTSUP", async () => {
  const pub = new Publisher();
  const sub = new Subscriber();
  await assert.rejects(pub.receive(), (err: ZmqError) => err.code === "ENOTSUP");
  await assert.rejects(sub.send("x"), (err: ZmqError) => err.code === "ENOTSUP");
  pub.close();
  sub.close();
});

Deno.test("subscribe on a closed SUB throws ETERM", () => {
  const sub = new Subscriber();
  sub.close();
  assert.throws(() => sub.subscribe("x"), (err: ZmqError) => err.code === "ETERM");
});

Deno.test("PUB with invertMatching sends to the subscribers that do not match", async () => {
  const pub = new Publisher({ invertMatching: true });
  await pub.bind("inproc://pub-invert");
  const sub = new Subscriber({ invertMatching: true });
  sub.subscribe("A");
  sub.connect("inproc://pub-invert");
  await pub.send("A1");
  await pub.send("B1");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["B1"]);
  await assertNothing(sub);
  sub.close();
  pub.close();
});

Deno.test("PUB with noDrop waits for a full subscriber instead of dropping", async () => {
  const pub = new Publisher({ noDrop: true, sendHighWaterMark: 2 });
  await pub.bind("inproc://pub-nodrop");
  const sub = new Subscriber({ receiveHighWaterMark: 2 });
  sub.subscribe();
  sub.connect("inproc://pub-nodrop");
  for (let i = 0; i < 4; i++) await pub.send(String(i));
  let sent = false;
  const fifth = pub.send("4").then(() => sent = true);
  await delay(20);
  assert.equal(sent, false);
  for (let i = 0; i < 4; i++) assert.deepEqual(texts(await sub.receive()), [String(i)]);
  await within(2000, fifth);
  assert.deepEqual(texts(await within(2000, sub.receive())), ["4"]);
  sub.close();
  pub.close();
});

Deno.test("PUB forgets a subscriber's subscriptions when it disconnects", async () => {
  const pub = await boundPublisher();
  const sub = new Subscriber();
  sub.subscribe("A", "B");
  sub.connect(pub.lastEndpoint!);
  await subscribed(pub, 2);
  sub.close();
  await eventually(() => pub.topicCount === 0);
  pub.close();
});

Deno.test("PUB drops messages sent up by subscribers that are not subscriptions", async () => {
  const pub = new Publisher();
  await pub.bind("inproc://pub-upstream");
  const xsub = new XSubscriber();
  xsub.connect("inproc://pub-upstream");
  await xsub.send(["not", "a subscription"]);
  await xsub.send(bytes("\x01T"));
  assert.equal(pub.topicCount, 1);
  await pub.send("T1");
  assert.deepEqual(texts(await within(2000, xsub.receive())), ["T1"]);
  xsub.close();
  pub.close();
});

Deno.test("each of many subscribers gets every published message intact, one after another", async () => {
  // An XPUB, verbose: it sees every subscription, so none of the messages below can miss a subscriber.
  const pub = new XPublisher({ verbose: true });
  await pub.bind("tcp://127.0.0.1:*");
  const subs = Array.from({ length: 5 }, () => {
    const sub = new Subscriber();
    sub.subscribe();
    sub.connect(pub.lastEndpoint!);
    return sub;
  });
  for (let i = 0; i < subs.length; i++) await within(5000, pub.receive());
  const long = "x".repeat(300);
  // Sent one at a time: each goes out alone on every connection (encoded once for all of them).
  for (const msg of [["a"], ["b", long], [long, "", "c"]]) {
    await pub.send(msg);
    for (const sub of subs) assert.deepEqual(texts(await within(5000, sub.receive())), msg);
  }
  for (const sub of subs) sub.close();
  pub.close();
});
