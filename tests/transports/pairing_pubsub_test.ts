/**
 * Publish-subscribe pairings over every transport (tcp, tcp6, ipc,
 * inproc): PUB/SUB, XPUB/XSUB and their crossings.
 */

import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher, XSubscriber, type ZmqError } from "../../mod.ts";
import { eventually, texts, within } from "../helpers.ts";
import { testEachTransport, unboundEndpoint } from "./cases.ts";

/** Resolves once the publisher knows `count` distinct prefixes (subscriptions travel asynchronously). */
function subscribed(pub: Publisher | XPublisher, count = 1): Promise<void> {
  return eventually(
    () => pub.topicCount >= count,
    5000,
    `${count} subscription(s) at the publisher`,
  );
}

/** Rejects unless `socket` has nothing to receive within `ms`. */
async function assertNothing(socket: Subscriber | XSubscriber, ms = 100): Promise<void> {
  socket.receiveTimeout = ms;
  await assert.rejects(socket.receive(), (err: ZmqError) => err.code === "EAGAIN");
  socket.receiveTimeout = -1;
}

/** A subscription message as XPUB yields it: "+topic" or "-topic". */
async function nextSubscription(xpub: XPublisher): Promise<string> {
  const [frame] = await within(5000, xpub.receive(), "a subscription at the XPUB");
  return (frame[0] === 1 ? "+" : "-") + new TextDecoder().decode(frame.subarray(1));
}

testEachTransport("SUB connects to a bound PUB and gets only its prefix", async (t) => {
  using pub = new Publisher();
  await pub.bind(t.bindEndpoint());
  using sub = new Subscriber();
  sub.subscribe("weather.");
  sub.connect(t.connectEndpoint(pub.lastEndpoint!));
  await subscribed(pub);
  await pub.send(["sports", "goal"]);
  await pub.send(["weather.paris", "21"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["weather.paris", "21"]);
  await assertNothing(sub);
});

testEachTransport("PUB connects to a bound SUB", async (t) => {
  using sub = new Subscriber();
  sub.subscribe("");
  await sub.bind(t.bindEndpoint());
  using pub = new Publisher();
  pub.connect(t.connectEndpoint(sub.lastEndpoint!));
  await subscribed(pub);
  await pub.send("to the binding subscriber");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["to the binding subscriber"]);
});

testEachTransport("a SUB that connects before the PUB binds still subscribes", async (t) => {
  const endpoint = unboundEndpoint(t);
  using sub = new Subscriber({ reconnectInterval: 20 });
  sub.subscribe("early");
  sub.connect(endpoint);
  using pub = new Publisher();
  await pub.bind(endpoint);
  await subscribed(pub);
  await pub.send("early bird");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["early bird"]);
});

testEachTransport("PUB fans a message out to two SUBs", async (t) => {
  using pub = new Publisher();
  await pub.bind(t.bindEndpoint());
  using a = new Subscriber();
  using b = new Subscriber();
  // Different prefixes, so two known topics mean both subscriptions arrived.
  a.subscribe("news");
  b.subscribe("new");
  a.connect(t.connectEndpoint(pub.lastEndpoint!));
  b.connect(t.connectEndpoint(pub.lastEndpoint!));
  await subscribed(pub, 2);
  await pub.send("news");
  assert.deepEqual(texts(await within(5000, a.receive())), ["news"]);
  assert.deepEqual(texts(await within(5000, b.receive())), ["news"]);
});

testEachTransport("XSUB subscribes upstream through a bound XPUB and receives", async (t) => {
  using xpub = new XPublisher();
  await xpub.bind(t.bindEndpoint());
  using xsub = new XSubscriber();
  xsub.connect(t.connectEndpoint(xpub.lastEndpoint!));
  await xsub.send("\x01topic");
  assert.equal(await nextSubscription(xpub), "+topic");
  await xpub.send(["topic", "payload"]);
  await xpub.send(["other", "dropped"]);
  assert.deepEqual(texts(await within(5000, xsub.receive())), ["topic", "payload"]);
  await xsub.send("\x00topic");
  assert.equal(await nextSubscription(xpub), "-topic");
});

testEachTransport("XPUB sees a SUB's subscription; PUB serves an XSUB", async (t) => {
  using xpub = new XPublisher();
  await xpub.bind(t.bindEndpoint());
  using sub = new Subscriber();
  sub.subscribe("x");
  sub.connect(t.connectEndpoint(xpub.lastEndpoint!));
  assert.equal(await nextSubscription(xpub), "+x");
  await xpub.send("x marks the spot");
  assert.deepEqual(texts(await within(5000, sub.receive())), ["x marks the spot"]);

  using pub = new Publisher();
  await pub.bind(t.bindEndpoint());
  using xsub = new XSubscriber();
  xsub.connect(t.connectEndpoint(pub.lastEndpoint!));
  await xsub.send("\x01");
  await subscribed(pub);
  await pub.send("everything");
  assert.deepEqual(texts(await within(5000, xsub.receive())), ["everything"]);
});
