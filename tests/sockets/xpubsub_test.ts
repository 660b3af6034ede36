import assert from "node:assert/strict";
import { proxy, Publisher, Subscriber, XPublisher, XSubscriber, type ZmqError } from "../../mod.ts";
import { bytes, eventually, texts, within } from "../helpers.ts";

const decoder = new TextDecoder();

/** A subscription message as XPUB yields it: "+topic" for subscribe, "-topic" for cancel. */
function event(msg: Uint8Array[]): string {
  assert.equal(msg.length, 1, "a subscription is one frame");
  const frame = msg[0];
  assert.ok(frame[0] <= 1, "a subscription starts with 0 or 1");
  return (frame[0] === 1 ? "+" : "-") + decoder.decode(frame.subarray(1));
}

async function nextEvent(xpub: XPublisher): Promise<string> {
  return event(await within(5000, xpub.receive(), "an XPUB event"));
}

async function assertNoEvent(xpub: XPublisher, ms = 100) {
  xpub.receiveTimeout = ms;
  await assert.rejects(xpub.receive(), (err: ZmqError) => err.code === "EAGAIN");
  xpub.receiveTimeout = -1;
}

let counter = 0;
/** An XPUB bound to a fresh inproc name (connections are immediate, so tests are exact). */
async function boundXPub(options: ConstructorParameters<typeof XPublisher>[0] = {}) {
  const xpub = new XPublisher(options);
  const endpoint = `inproc://xpub-${counter++}`;
  await xpub.bind(endpoint);
  return { xpub, endpoint };
}

Deno.test("XPUB receives a subscriber's subscribe and cancel", async () => {
  const { xpub, endpoint } = await boundXPub();
  const sub = new Subscriber();
  sub.connect(endpoint);
  sub.subscribe("topic");
  assert.equal(await nextEvent(xpub), "+topic");
  sub.unsubscribe("topic");
  assert.equal(await nextEvent(xpub), "-topic");
  sub.close();
  xpub.close();
});

Deno.test("XPUB receives subscriptions over tcp", async () => {
  const xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber();
  sub.subscribe("A", "");
  sub.connect(xpub.lastEndpoint!);
  const events = [await nextEvent(xpub), await nextEvent(xpub)].sort();
  assert.deepEqual(events, ["+", "+A"]);
  await xpub.send(["A", "payload"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["A", "payload"]);
  sub.close();
  xpub.close();
});

Deno.test("XPUB passes only the first subscription and last cancel of a prefix by default", async () => {
  const { xpub, endpoint } = await boundXPub();
  const a = new Subscriber();
  const b = new Subscriber();
  a.connect(endpoint);
  b.connect(endpoint);
  a.subscribe("x");
  b.subscribe("x");
  assert.equal(await nextEvent(xpub), "+x");
  await assertNoEvent(xpub);
  a.unsubscribe("x");
  await assertNoEvent(xpub);
  b.unsubscribe("x");
  assert.equal(await nextEvent(xpub), "-x");
  a.close();
  b.close();
  xpub.close();
});

Deno.test("verbose XPUB passes every subscription but only the last cancel", async () => {
  const { xpub, endpoint } = await boundXPub({ verbose: true });
  const a = new Subscriber();
  const b = new Subscriber();
  a.connect(endpoint);
  b.connect(endpoint);
  a.subscribe("x");
  b.subscribe("x");
  assert.equal(await nextEvent(xpub), "+x");
  assert.equal(await nextEvent(xpub), "+x");
  a.unsubscribe("x");
  await assertNoEvent(xpub);
  b.unsubscribe("x");
  assert.equal(await nextEvent(xpub), "-x");
  a.close();
  b.close();
  xpub.close();
});

Deno.test("verboser XPUB passes every subscription and every cancel", async () => {
  const { xpub, endpoint } = await boundXPub({ verboser: true });
  const a = new Subscriber();
  const b = new Subscriber();
  a.connect(endpoint);
  b.connect(endpoint);
  a.subscribe("x");
  b.subscribe("x");
  assert.equal(await nextEvent(xpub), "+x");
  assert.equal(await nextEvent(xpub), "+x");
  a.unsubscribe("x");
  assert.equal(await nextEvent(xpub), "-x");
  b.unsubscribe("x");
  assert.equal(await nextEvent(xpub), "-x");
  a.close();
  b.close();
  xpub.close();
});

Deno.test("XPUB reports the prefixes nobody wants when their last subscriber leaves", async () => {
  const { xpub, endpoint } = await boundXPub();
  const a = new Subscriber();
  const b = new Subscriber();
  a.connect(endpoint);
  b.connect(endpoint);
  a.subscribe("shared", "only-a");
  b.subscribe("shared");
  assert.deepEqual([await nextEvent(xpub), await nextEvent(xpub)], ["+shared", "+only-a"]);
  a.close();
  assert.equal(await nextEvent(xpub), "-only-a");
  await assertNoEvent(xpub);
  b.close();
  assert.equal(await nextEvent(xpub), "-shared");
  xpub.close();
});

Deno.test("XPUB also reports departures over tcp", async () => {
  const xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber();
  sub.subscribe("gone");
  sub.connect(xpub.lastEndpoint!);
  assert.equal(await nextEvent(xpub), "+gone");
  sub.close();
  assert.equal(await nextEvent(xpub), "-gone");
  xpub.close();
});

Deno.test("manual XPUB applies nothing until the user subscribes the peer", async () => {
  const { xpub, endpoint } = await boundXPub({ manual: true });
  const sub = new Subscriber();
  sub.connect(endpoint);
  sub.subscribe("A");
  assert.equal(await nextEvent(xpub), "+A");
  await xpub.send("A0");
  // The user maps the request to another topic for that peer.
  xpub.subscribe("B");
  await xpub.send("A1");
  await xpub.send("B1");
  assert.equal(xpub.topicCount, 1);
  // The SUB filters by its own subscriptions: subscribe it to B too, to see B1 arrive.
  sub.subscribe("B");
  assert.equal(await nextEvent(xpub), "+B");
  await xpub.send("B2");
  assert.deepEqual(texts(await within(2000, sub.receive())), ["B1"]);
  assert.deepEqual(texts(await within(2000, sub.receive())), ["B2"]);
  xpub.unsubscribe("B");
  await xpub.send("B3");
  sub.receiveTimeout = 100;
  await assert.rejects(sub.receive(), (err: ZmqError) => err.code === "EAGAIN");
  sub.close();
  xpub.close();
});

Deno.test("manual XPUB passes duplicate subscriptions and reports every prefix of a departing peer", async () => {
  const { xpub, endpoint } = await boundXPub({ manual: true });
  const a = new Subscriber();
  const b = new Subscriber();
  a.connect(endpoint);
  b.connect(endpoint);
  a.subscribe("x");
  assert.equal(await nextEvent(xpub), "+x");
  b.subscribe("x");
  assert.equal(await nextEvent(xpub), "+x");
  a.close();
  assert.equal(await nextEvent(xpub), "-x");
  b.close();
  assert.equal(await nextEvent(xpub), "-x");
  xpub.close();
});

Deno.test("XPUB subscribe/unsubscribe without manual throw EINVAL", () => {
  const xpub = new XPublisher();
  assert.throws(() => xpub.subscribe("x"), (err: ZmqError) => err.code === "EINVAL");
  assert.throws(() => xpub.unsubscribe("x"), (err: ZmqError) => err.code === "EINVAL");
  xpub.close();
});

Deno.test("XPUB sends its welcome message to each new subscriber", async () => {
  const xpub = new XPublisher({ welcomeMessage: "WELCOME" });
  await xpub.bind("tcp://127.0.0.1:*");
  for (let i = 0; i < 2; i++) {
    const sub = new Subscriber();
    sub.subscribe("WELCOME");
    sub.connect(xpub.lastEndpoint!);
    assert.deepEqual(texts(await within(5000, sub.receive())), ["WELCOME"]);
    sub.close();
  }
  xpub.close();
});

Deno.test("XSUB sends subscriptions upstream and receives what matches", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const xsub = new XSubscriber();
  xsub.connect(pub.lastEndpoint!);
  await xsub.send(bytes("\x01A"));
  await eventually(() => pub.topicCount === 1);
  await pub.send(["B", "no"]);
  await pub.send(["A", "yes"]);
  assert.deepEqual(texts(await within(5000, xsub.receive())), ["A", "yes"]);
  await xsub.send(bytes("\x00A"));
  await eventually(() => pub.topicCount === 0);
  xsub.close();
  pub.close();
});

Deno.test("XSUB sends a cancel upstream only when its count reaches zero", async () => {
  const { xpub, endpoint } = await boundXPub({ verboser: true });
  const xsub = new XSubscriber();
  xsub.connect(endpoint);
  await xsub.send(bytes("\x01A"));
  await xsub.send(bytes("\x01A"));
  assert.equal(await nextEvent(xpub), "+A");
  assert.equal(await nextEvent(xpub), "+A");
  await xsub.send(bytes("\x00A"));
  await assertNoEvent(xpub);
  await xsub.send(bytes("\x00A"));
  assert.equal(await nextEvent(xpub), "-A");
  await xsub.send(bytes("\x00never"));
  await assertNoEvent(xpub);
  xsub.close();
  xpub.close();
});

Deno.test("XSUB sends other messages up to XPUB, which receives them", async () => {
  const { xpub, endpoint } = await boundXPub();
  const xsub = new XSubscriber();
  xsub.connect(endpoint);
  await xsub.send(["hello", "upstream"]);
  await xsub.send(bytes("\x02not a subscription"));
  assert.deepEqual(texts(await within(2000, xpub.receive())), ["hello", "upstream"]);
  assert.deepEqual(texts(await within(2000, xpub.receive())), ["\x02not a subscription"]);
  xsub.close();
  xpub.close();
});

Deno.test("XSUB receives everything its publishers send, unfiltered", async () => {
  const { xpub, endpoint } = await boundXPub({ manual: true });
  const xsub = new XSubscriber();
  xsub.connect(endpoint);
  await xsub.send(bytes("\x01A"));
  assert.equal(await nextEvent(xpub), "+A");
  xpub.subscribe(""); // the publisher decides to send this peer everything
  await xpub.send("B");
  assert.deepEqual(texts(await within(2000, xsub.receive())), ["B"]);
  xsub.close();
  xpub.close();
});

Deno.test("XPUB and XSUB over tcp: subscriptions up, messages down", async () => {
  const xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  const xsub = new XSubscriber();
  xsub.connect(xpub.lastEndpoint!);
  await xsub.send(bytes("\x01news"));
  assert.equal(await nextEvent(xpub), "+news");
  await xpub.send(["news", "part 2", "part 3"]);
  assert.deepEqual(texts(await within(5000, xsub.receive())), ["news", "part 2", "part 3"]);
  xsub.close();
  xpub.close();
});

Deno.test("XSUB sends its subscriptions to a publisher that connects later", async () => {
  const xsub = new XSubscriber();
  await xsub.bind("tcp://127.0.0.1:*");
  await xsub.send(bytes("\x01early"));
  const xpub = new XPublisher();
  xpub.connect(xsub.lastEndpoint!);
  assert.equal(await nextEvent(xpub), "+early");
  xsub.close();
  xpub.close();
});

Deno.test("a forwarder of XSUB and XPUB carries subscriptions up and messages down", async () => {
  const pub = new Publisher();
  await pub.bind("inproc://forwarder-in");
  const front = new XSubscriber();
  front.connect("inproc://forwarder-in");
  const back = new XPublisher();
  await back.bind("inproc://forwarder-out");
  const forward = async (from: XPublisher | XSubscriber, to: XPublisher | XSubscriber) => {
    try {
      for await (const msg of from) await to.send(msg);
    } catch (err) {
      if ((err as ZmqError).code !== "ETERM") throw err; // the other side closed first
    }
  };
  const up = forward(back, front);
  const down = forward(front, back);
  const sub = new Subscriber();
  sub.subscribe("k");
  sub.connect("inproc://forwarder-out");
  await eventually(() => pub.topicCount === 1);
  await pub.send(["k", "v"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["k", "v"]);
  sub.close();
  back.close();
  front.close();
  pub.close();
  await Promise.all([up, down]);
});

Deno.test("proxy() as a FORWARDER between XSUB and XPUB over tcp", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const front = new XSubscriber();
  front.connect(pub.lastEndpoint!);
  const back = new XPublisher();
  await back.bind("tcp://127.0.0.1:*");
  const stop = new AbortController();
  const running = proxy(front, back, { signal: stop.signal });
  const sub = new Subscriber();
  sub.subscribe("k");
  sub.connect(back.lastEndpoint!);
  await eventually(() => pub.topicCount === 1, 5000, "the subscription through the proxy");
  await pub.send(["j", "skipped"]);
  await pub.send(["k", "v", "w"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["k", "v", "w"]);
  sub.close();
  await eventually(() => pub.topicCount === 0, 5000, "the cancel through the proxy");
  stop.abort();
  await within(5000, running);
  back.close();
  front.close();
  pub.close();
});

Deno.test("XPUB with noDrop makes send wait while a matching peer is full", async () => {
  const { xpub, endpoint } = await boundXPub({
    noDrop: true,
    sendHighWaterMark: 1,
    sendTimeout: 50,
  });
  const sub = new Subscriber({ receiveHighWaterMark: 1 });
  sub.subscribe();
  sub.connect(endpoint);
  assert.equal(await nextEvent(xpub), "+");
  await xpub.send("1");
  await xpub.send("2");
  await assert.rejects(xpub.send("3"), (err: ZmqError) => err.code === "EAGAIN");
  assert.deepEqual(texts(await sub.receive()), ["1"]);
  assert.deepEqual(texts(await sub.receive()), ["2"]);
  await xpub.send("4");
  assert.deepEqual(texts(await within(2000, sub.receive())), ["4"]);
  sub.close();
  xpub.close();
});

Deno.test("XPUB and one SUB follow libzmq's test_xpub_verboser_one_sub", async () => {
  const { xpub, endpoint } = await boundXPub();
  const sub = new Subscriber();
  sub.connect(endpoint);
  const none = () => assertNoEvent(xpub, 0);
  sub.unsubscribe("A"); // not subscribed: the SUB filters it out
  await none();
  sub.subscribe("A");
  assert.equal(await nextEvent(xpub), "+A");
  sub.subscribe("A"); // counted at the SUB, a duplicate at the XPUB
  await none();
  sub.unsubscribe("A");
  sub.unsubscribe("A"); // only the last cancel goes up
  assert.equal(await nextEvent(xpub), "-A");
  await none();
  sub.unsubscribe("A");
  await none();
  xpub.verboser = true;
  sub.subscribe("A");
  assert.equal(await nextEvent(xpub), "+A");
  await xpub.send("A");
  assert.deepEqual(texts(await within(2000, sub.receive())), ["A"]);
  sub.unsubscribe("A");
  assert.equal(await nextEvent(xpub), "-A");
  sub.unsubscribe("A"); // even verboser: the SUB only cancels what it had
  await none();
  sub.close();
  xpub.close();
});

for (const immediate of [false, true]) {
  Deno.test(`SUB (immediate: ${immediate}) subscribes exactly once to a restarted publisher`, async () => {
    const first = new XPublisher({ verboser: true });
    await first.bind("tcp://127.0.0.1:*");
    const endpoint = first.lastEndpoint!;
    const sub = new Subscriber({ immediate, reconnectInterval: 10 });
    sub.subscribe("a");
    sub.connect(endpoint);
    assert.equal(await nextEvent(first), "+a");
    first.close();
    const second = new XPublisher({ verboser: true });
    for (let i = 0;; i++) {
      try {
        await second.bind(endpoint);
        break;
      } catch (err) {
        if (i > 100 || (err as ZmqError).code !== "EADDRINUSE") throw err;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    assert.equal(await nextEvent(second), "+a");
    await assertNoEvent(second, 200);
    sub.close();
    second.close();
  });
}
