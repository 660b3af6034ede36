import assert from "node:assert/strict";
import {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Subscriber,
  XPublisher,
  XSubscriber,
  type ZmqError,
} from "../../mod.ts";
import { delay, eventually, texts, within } from "../helpers.ts";

const isEinval = (err: ZmqError) => err.code === "EINVAL";

/** Rejects unless `socket` has nothing more to receive within `ms`. */
async function assertNothingMore(socket: Pull | Subscriber | Dealer, ms = 100) {
  socket.receiveTimeout = ms;
  await assert.rejects(socket.receive(), (err: ZmqError) => err.code === "EAGAIN");
}

Deno.test("conflate: a PULL keeps only the newest message that arrived (inproc)", async () => {
  const pull = new Pull({ conflate: true });
  await pull.bind("inproc://conflate-pull");
  const push = new Push();
  push.connect("inproc://conflate-pull");
  for (let i = 0; i < 5; i++) await push.send(`m${i}`);
  assert.deepEqual(texts(await pull.receive()), ["m4"]);
  await assertNothingMore(pull);
  push.close();
  pull.close();
});

Deno.test("conflate: a PULL keeps only the newest of a burst over tcp", async () => {
  const pull = new Pull({ conflate: true });
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send("first");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["first"]);
  for (let i = 0; i < 100; i++) await push.send(`m${i}`);
  await delay(300);
  assert.deepEqual(texts(await pull.receive()), ["m99"]);
  await assertNothingMore(pull);
  push.close();
  pull.close();
});

Deno.test("conflate: a PUSH waiting for its peer keeps only the newest message", async () => {
  const probe = new Pull();
  await probe.bind("tcp://127.0.0.1:*");
  const endpoint = probe.lastEndpoint!;
  await probe.unbind(endpoint);
  probe.close();
  const push = new Push({ conflate: true });
  push.connect(endpoint);
  for (let i = 0; i < 5; i++) await push.send(`m${i}`);
  const pull = new Pull();
  await pull.bind(endpoint);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["m4"]);
  await assertNothingMore(pull);
  push.close();
  pull.close();
});

Deno.test("conflate: the high-water mark does not apply, so send never waits", async () => {
  const push = new Push({ conflate: true, sendHighWaterMark: 1, sendTimeout: 0 });
  push.connect("inproc://conflate-nobody-yet");
  for (let i = 0; i < 10; i++) await push.send(`m${i}`);
  const pull = new Pull();
  await pull.bind("inproc://conflate-nobody-yet");
  assert.deepEqual(texts(await pull.receive()), ["m9"]);
  push.close();
  pull.close();
});

Deno.test("conflate: a multipart message is kept whole", async () => {
  const pull = new Pull({ conflate: true });
  await pull.bind("inproc://conflate-multipart");
  const push = new Push();
  push.connect("inproc://conflate-multipart");
  await push.send(["a0", "b0"]);
  await push.send(["a1", "b1", "c1"]);
  assert.deepEqual(texts(await pull.receive()), ["a1", "b1", "c1"]);
  push.close();
  pull.close();
});

Deno.test("conflate: a SUB keeps the newest message and every subscription it made", async () => {
  const probe = new Publisher();
  await probe.bind("tcp://127.0.0.1:*");
  const endpoint = probe.lastEndpoint!;
  await probe.unbind(endpoint);
  probe.close();
  // Both subscriptions are queued before the publisher exists: conflating
  // the SUB's outgoing queue would keep only the last ("b").
  const sub = new Subscriber({ conflate: true });
  sub.connect(endpoint);
  sub.subscribe("a", "b");
  const pub = new Publisher();
  await pub.bind(endpoint);
  await eventually(() => pub.topicCount >= 2, 5000, "both subscriptions at the publisher");
  for (let i = 0; i < 5; i++) await pub.send(`a${i}`);
  await delay(300);
  assert.deepEqual(texts(await sub.receive()), ["a4"]);
  await assertNothingMore(sub);
  sub.close();
  pub.close();
});

Deno.test("conflate: a PUB keeps only the newest message for a subscriber that has not read yet", async () => {
  const pub = new Publisher({ conflate: true });
  pub.connect("inproc://conflate-pub");
  const sub = new Subscriber();
  sub.subscribe();
  await sub.bind("inproc://conflate-pub");
  await eventually(() => pub.topicCount >= 1, 5000, "the subscription at the publisher");
  for (let i = 0; i < 5; i++) await pub.send(`m${i}`);
  assert.deepEqual(texts(await sub.receive()), ["m4"]);
  await assertNothingMore(sub);
  sub.close();
  pub.close();
});

Deno.test("conflate: a DEALER conflates both ways", async () => {
  const a = new Dealer({ conflate: true });
  await a.bind("inproc://conflate-dealer");
  const b = new Dealer();
  b.connect("inproc://conflate-dealer");
  for (let i = 0; i < 3; i++) await b.send(`to-a${i}`);
  for (let i = 0; i < 3; i++) await a.send(`to-b${i}`);
  assert.deepEqual(texts(await a.receive()), ["to-a2"]);
  assert.deepEqual(texts(await b.receive()), ["to-b2"]);
  await assertNothingMore(a);
  await assertNothingMore(b);
  a.close();
  b.close();
});

Deno.test("conflate: types libzmq does not honour it on refuse it with EINVAL", () => {
  for (const Type of [Pair, Request, Reply, Router, XPublisher, XSubscriber]) {
    assert.throws(() => new Type({ conflate: true }), isEinval, Type.name);
    const socket = new Type({ conflate: false });
    assert.throws(() => (socket.conflate = true), isEinval, Type.name);
    assert.equal(socket.conflate, false);
    socket.close();
  }
});
