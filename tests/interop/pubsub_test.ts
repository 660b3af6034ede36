// PUB/SUB/XPUB/XSUB against libzmq 4.3.5 (zeromq.js 6.8.0), every pairing,
// each library in each role, over tcp, with multipart messages.
import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher, XSubscriber, type ZmqError } from "../../mod.ts";
import { LibzmqPeer, type PeerSocket } from "./libzmq.ts";
import { delay, eventually, texts, within } from "../helpers.ts";

const TCP = "tcp://127.0.0.1:*";

// A libzmq socket handles new connections and reconnections only when its
// application calls into it: zeromq.js does so while a receive is pending.
// So where libzmq binds (or must resubscribe), a receive is started first.

/** One subscription frame as text: "+topic" or "-topic". */
function event(frames: Uint8Array[]): string {
  assert.equal(frames.length, 1);
  return (frames[0][0] === 1 ? "+" : frames[0][0] === 0 ? "-" : "?") +
    new TextDecoder().decode(frames[0].subarray(1));
}

/**
 * Our subscriber cannot see a libzmq publisher's subscriptions, so the
 * publisher sends probes on the topic until one arrives; returns the first
 * message that is not a probe (the probes left in flight are skipped).
 */
async function afterProbes(
  pub: PeerSocket,
  sub: Subscriber | XSubscriber,
  topic: string,
  then: () => Promise<void>,
): Promise<Uint8Array[]> {
  sub.receiveTimeout = 50;
  try {
    for (let round = 0;; round++) {
      assert.ok(round < 100, "a probe arrived");
      await pub.send([topic, "probe"]);
      try {
        await sub.receive();
        break;
      } catch (err) {
        if ((err as ZmqError).code !== "EAGAIN") throw err;
      }
    }
  } finally {
    sub.receiveTimeout = -1;
  }
  await then();
  for (;;) {
    const msg = await within(5000, sub.receive());
    if (!(msg.length === 2 && texts(msg)[1] === "probe")) return msg;
  }
}

Deno.test("interop: libzmq SUB connects to our PUB and gets the matching multipart messages", async () => {
  await using peer = await LibzmqPeer.start();
  const pub = new Publisher();
  await pub.bind(TCP);
  const sub = await peer.socket("Subscriber");
  await sub.call("subscribe", "A");
  await sub.connect(pub.lastEndpoint!);
  await eventually(() => pub.topicCount === 1, 5000, "libzmq's SUBSCRIBE at our PUB");
  await pub.send(["B", "not for you"]);
  await pub.send(["A", "one", "two"]);
  assert.deepEqual(texts(await sub.receive(5000)), ["A", "one", "two"]);
  await sub.call("unsubscribe", "A");
  await eventually(() => pub.topicCount === 0, 5000, "libzmq's CANCEL at our PUB");
  pub.close();
});

Deno.test("interop: our PUB connects to a libzmq SUB that binds", async () => {
  await using peer = await LibzmqPeer.start();
  const sub = await peer.socket("Subscriber");
  await sub.call("subscribe");
  const endpoint = await sub.bind(TCP);
  const received = sub.receive(5000);
  const pub = new Publisher();
  pub.connect(endpoint);
  await eventually(() => pub.topicCount === 1);
  await pub.send(["anything", "", "last"]);
  assert.deepEqual(texts(await received), ["anything", "", "last"]);
  pub.close();
});

Deno.test("interop: our SUB connects to a libzmq PUB and filters by prefix", async () => {
  await using peer = await LibzmqPeer.start();
  const pub = await peer.socket("Publisher");
  const endpoint = await pub.bind(TCP);
  const sub = new Subscriber();
  sub.subscribe("A");
  sub.connect(endpoint);
  const msg = await afterProbes(pub, sub, "A", async () => {
    await pub.send(["B", "no"]);
    await pub.send(["A", "yes", "3"]);
  });
  assert.deepEqual(texts(msg), ["A", "yes", "3"]);
  sub.close();
});

Deno.test("interop: a libzmq PUB connects to our SUB that binds", async () => {
  await using peer = await LibzmqPeer.start();
  const sub = new Subscriber();
  sub.subscribe("");
  await sub.bind(TCP);
  const pub = await peer.socket("Publisher");
  await pub.connect(sub.lastEndpoint!);
  const msg = await afterProbes(pub, sub, "t", () => pub.send(["t", "part", "end"]));
  assert.deepEqual(texts(msg), ["t", "part", "end"]);
  sub.close();
});

Deno.test("interop: libzmq XSUB talks to our XPUB: subscriptions and messages up, data down", async () => {
  await using peer = await LibzmqPeer.start();
  const xpub = new XPublisher();
  await xpub.bind(TCP);
  const xsub = await peer.socket("XSubscriber");
  await xsub.connect(xpub.lastEndpoint!);
  await xsub.send(["\x01news"]);
  assert.equal(event(await within(5000, xpub.receive())), "+news");
  await xpub.send(["news", "a", "b"]);
  assert.deepEqual(texts(await xsub.receive(5000)), ["news", "a", "b"]);
  await xsub.send(["up", "stream"]);
  assert.deepEqual(texts(await within(5000, xpub.receive())), ["up", "stream"]);
  await xsub.send(["\x00news"]);
  assert.equal(event(await within(5000, xpub.receive())), "-news");
  xpub.close();
});

Deno.test("interop: our XSUB talks to a libzmq XPUB: subscriptions and messages up, data down", async () => {
  await using peer = await LibzmqPeer.start();
  const xpub = await peer.socket("XPublisher");
  const xsub = new XSubscriber();
  await xsub.bind(TCP);
  await xpub.connect(xsub.lastEndpoint!);
  await xsub.send("\x01news");
  assert.equal(event(await xpub.receive(5000)), "+news");
  await xpub.send(["news", "a", "b"]);
  assert.deepEqual(texts(await within(5000, xsub.receive())), ["news", "a", "b"]);
  await xsub.send(["up", "stream"]);
  assert.deepEqual(texts(await xpub.receive(5000)), ["up", "stream"]);
  await xsub.send("\x00news");
  assert.equal(event(await xpub.receive(5000)), "-news");
  xsub.close();
});

Deno.test("interop: libzmq SUB subscribes to our XPUB, which sees SUBSCRIBE and CANCEL", async () => {
  await using peer = await LibzmqPeer.start();
  const sub = await peer.socket("Subscriber");
  const endpoint = await sub.bind(TCP);
  const received = sub.receive(5000);
  const xpub = new XPublisher();
  xpub.connect(endpoint);
  await sub.call("subscribe", "k");
  assert.equal(event(await within(5000, xpub.receive())), "+k");
  await xpub.send(["k", "v", "w"]);
  assert.deepEqual(texts(await received), ["k", "v", "w"]);
  await sub.call("unsubscribe", "k");
  assert.equal(event(await within(5000, xpub.receive())), "-k");
  xpub.close();
});

Deno.test("interop: our SUB subscribes to a libzmq XPUB, which sees SUBSCRIBE and CANCEL", async () => {
  await using peer = await LibzmqPeer.start();
  const xpub = await peer.socket("XPublisher");
  const endpoint = await xpub.bind(TCP);
  const sub = new Subscriber();
  sub.subscribe("k");
  sub.connect(endpoint);
  assert.equal(event(await xpub.receive(5000)), "+k");
  await xpub.send(["x", "filtered out"]);
  await xpub.send(["k", "v", "w"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["k", "v", "w"]);
  sub.unsubscribe("k");
  assert.equal(event(await xpub.receive(5000)), "-k");
  sub.close();
});

Deno.test("interop: libzmq XSUB subscribes to our PUB", async () => {
  await using peer = await LibzmqPeer.start();
  const xsub = await peer.socket("XSubscriber");
  const endpoint = await xsub.bind(TCP);
  const received = xsub.receive(5000);
  const pub = new Publisher();
  pub.connect(endpoint);
  await xsub.send(["\x01p"]);
  await eventually(() => pub.topicCount === 1);
  await pub.send(["q", "no"]);
  await pub.send(["p", "1", "2"]);
  assert.deepEqual(texts(await received), ["p", "1", "2"]);
  pub.close();
});

Deno.test("interop: our XSUB subscribes to a libzmq PUB", async () => {
  await using peer = await LibzmqPeer.start();
  const pub = await peer.socket("Publisher");
  const endpoint = await pub.bind(TCP);
  const xsub = new XSubscriber();
  xsub.connect(endpoint);
  await xsub.send("\x01p");
  const msg = await afterProbes(pub, xsub, "p", async () => {
    await pub.send(["q", "no"]);
    await pub.send(["p", "1", "2"]);
  });
  assert.deepEqual(texts(msg), ["p", "1", "2"]);
  xsub.close();
});

Deno.test("interop: libzmq SUB gets our XPUB's welcome message", async () => {
  await using peer = await LibzmqPeer.start();
  const xpub = new XPublisher({ welcomeMessage: "WELCOME" });
  await xpub.bind(TCP);
  const sub = await peer.socket("Subscriber");
  await sub.call("subscribe", "WELCOME");
  await sub.connect(xpub.lastEndpoint!);
  assert.deepEqual(texts(await sub.receive(5000)), ["WELCOME"]);
  xpub.close();
});

Deno.test("interop: our SUB gets a libzmq XPUB's welcome message", async () => {
  await using peer = await LibzmqPeer.start();
  const xpub = await peer.socket("XPublisher", { welcomeMessage: "WELCOME" });
  const endpoint = await xpub.bind(TCP);
  const subscription = xpub.receive(5000);
  const sub = new Subscriber();
  sub.subscribe("WELCOME");
  sub.connect(endpoint);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["WELCOME"]);
  assert.equal(event(await subscription), "+WELCOME");
  sub.close();
});

Deno.test("interop: our SUB subscribes again when the libzmq publisher restarts", async () => {
  await using peer = await LibzmqPeer.start();
  const first = await peer.socket("XPublisher");
  const endpoint = await first.bind(TCP);
  const sub = new Subscriber({ reconnectInterval: 20 });
  sub.subscribe("again");
  sub.connect(endpoint);
  assert.equal(event(await first.receive(5000)), "+again");
  await first.close();
  const second = await peer.socket("XPublisher");
  for (let i = 0;; i++) {
    try {
      await second.bind(endpoint);
      break;
    } catch (err) {
      if (i > 100) throw err;
      await delay(20);
    }
  }
  assert.equal(event(await second.receive(5000)), "+again");
  sub.close();
});

Deno.test("interop: libzmq SUB subscribes again when our publisher restarts", async () => {
  await using peer = await LibzmqPeer.start();
  const first = new Publisher();
  await first.bind(TCP);
  const endpoint = first.lastEndpoint!;
  const sub = await peer.socket("Subscriber", { reconnectInterval: 20 });
  await sub.call("subscribe", "again");
  await sub.connect(endpoint);
  await eventually(() => first.topicCount === 1);
  const received = sub.receive(10000);
  first.close();
  const second = new Publisher();
  for (let i = 0;; i++) {
    try {
      await second.bind(endpoint);
      break;
    } catch (err) {
      if (i > 100) throw err;
      await delay(20);
    }
  }
  await eventually(() => second.topicCount === 1, 5000, "libzmq's resubscription");
  await second.send(["again", "2"]);
  assert.deepEqual(texts(await received), ["again", "2"]);
  second.close();
});
