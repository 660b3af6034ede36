/**
 * libzmq 4.3.5's draft options against ours, over tcp: what libzmq does
 * with ZMQ_HELLO_MSG, ZMQ_DISCONNECT_MSG, ZMQ_HICCUP_MSG,
 * ZMQ_ROUTER_NOTIFY and ZMQ_CONNECT_ROUTING_ID (set through zeromq.js's
 * raw setsockopt), and that ours does the same seen from libzmq.
 */

import assert from "node:assert/strict";
import { Dealer, Router, Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { LibzmqPeer } from "./libzmq.ts";

// zmq.h (libzmq 4.3.5, draft).
const ZMQ_CONNECT_ROUTING_ID = 61;
const ZMQ_ROUTER_NOTIFY = 97;
const ZMQ_HELLO_MSG = 110;
const ZMQ_DISCONNECT_MSG = 111;
const ZMQ_HICCUP_MSG = 114;

const recv = <T>(p: Promise<T>) => within(10000, p, "receive");

Deno.test("ROUTER_NOTIFY: libzmq's and ours both give [id, ''] on connect and on disconnect", async () => {
  await using peer = await LibzmqPeer.start();
  const theirs = await peer.socket("Router");
  await theirs.call("setInt32Option", ZMQ_ROUTER_NOTIFY, 3);
  const ours = new Router({ routerNotify: 3 });
  await ours.bind("tcp://127.0.0.1:*");
  const theirEndpoint = await theirs.bind("tcp://127.0.0.1:*");
  const dealerToTheirs = new Dealer({ routingId: "d" });
  const dealerToOurs = await peer.socket("Dealer", { routingId: "d" });
  dealerToTheirs.connect(theirEndpoint);
  await dealerToOurs.connect(ours.lastEndpoint!);
  try {
    assert.deepEqual(texts(await theirs.receive()), ["d", ""]);
    assert.deepEqual(texts(await recv(ours.receive())), ["d", ""]);
    dealerToTheirs.close();
    await dealerToOurs.close();
    assert.deepEqual(texts(await theirs.receive()), ["d", ""]);
    assert.deepEqual(texts(await recv(ours.receive())), ["d", ""]);
  } finally {
    dealerToTheirs.close();
    ours.close();
  }
});

Deno.test("HELLO_MSG: libzmq's Dealer greets our Router first; our Dealer greets libzmq's Router first", async () => {
  await using peer = await LibzmqPeer.start();
  const ours = new Router();
  await ours.bind("tcp://127.0.0.1:*");
  const theirDealer = await peer.socket("Dealer", { routingId: "theirs" });
  await theirDealer.call("setStringOption", ZMQ_HELLO_MSG, "hello from libzmq");
  await theirDealer.connect(ours.lastEndpoint!);
  const theirRouter = await peer.socket("Router");
  const endpoint = await theirRouter.bind("tcp://127.0.0.1:*");
  const ourDealer = new Dealer({ routingId: "ours", helloMessage: "hello from us" });
  ourDealer.connect(endpoint);
  try {
    assert.deepEqual(texts(await recv(ours.receive())), ["theirs", "hello from libzmq"]);
    assert.deepEqual(texts(await theirRouter.receive()), ["ours", "hello from us"]);
  } finally {
    ourDealer.close();
    ours.close();
  }
});

Deno.test("DISCONNECT_MSG: libzmq's Router receives it when our Dealer it accepted leaves; ours likewise", async () => {
  await using peer = await LibzmqPeer.start();
  const theirs = await peer.socket("Router");
  await theirs.call("setStringOption", ZMQ_DISCONNECT_MSG, "gone");
  const endpoint = await theirs.bind("tcp://127.0.0.1:*");
  const ourDealer = new Dealer({ routingId: "d" });
  ourDealer.connect(endpoint);
  const ours = new Router({ disconnectMessage: "gone" });
  await ours.bind("tcp://127.0.0.1:*");
  const theirDealer = await peer.socket("Dealer", { routingId: "d" });
  await theirDealer.connect(ours.lastEndpoint!);
  try {
    await ourDealer.send("hi");
    await theirDealer.send("hi");
    assert.deepEqual(texts(await theirs.receive()), ["d", "hi"]);
    assert.deepEqual(texts(await recv(ours.receive())), ["d", "hi"]);
    ourDealer.close();
    await theirDealer.close();
    assert.deepEqual(texts(await theirs.receive()), ["d", "gone"]);
    assert.deepEqual(texts(await recv(ours.receive())), ["d", "gone"]);
  } finally {
    ourDealer.close();
    ours.close();
  }
});

Deno.test("HICCUP_MSG: libzmq's Dealer receives it when our Router drops the connection; ours likewise", async () => {
  await using peer = await LibzmqPeer.start();
  const ourRouter = new Router();
  await ourRouter.bind("tcp://127.0.0.1:*");
  const theirDealer = await peer.socket("Dealer");
  await theirDealer.call("setStringOption", ZMQ_HICCUP_MSG, "hiccup");
  await theirDealer.connect(ourRouter.lastEndpoint!);
  const theirRouter = await peer.socket("Router");
  const endpoint = await theirRouter.bind("tcp://127.0.0.1:*");
  const ourDealer = new Dealer({ hiccupMessage: "hiccup" });
  ourDealer.connect(endpoint);
  try {
    await theirDealer.send("hi");
    await ourDealer.send("hi");
    await recv(ourRouter.receive());
    await theirRouter.receive();
    ourRouter.close();
    await theirRouter.close();
    assert.deepEqual(texts(await theirDealer.receive()), ["hiccup"]);
    assert.deepEqual(texts(await recv(ourDealer.receive())), ["hiccup"]);
  } finally {
    ourDealer.close();
    ourRouter.close();
  }
});

Deno.test("CONNECT_ROUTING_ID: our Router routes at once to the libzmq peer it named; libzmq's to ours", async () => {
  await using peer = await LibzmqPeer.start();
  const theirBound = await peer.socket("Router", { routingId: "their-bound" });
  const endpoint = await theirBound.bind("tcp://127.0.0.1:*");
  const ours = new Router({ routingId: "ours", routerMandatory: true });
  ours.connect(endpoint, { routingId: "named" });
  const ourBound = new Router({ routingId: "our-bound" });
  await ourBound.bind("tcp://127.0.0.1:*");
  const theirs = await peer.socket("Router", { routingId: "theirs", mandatory: true });
  await theirs.call("setStringOption", ZMQ_CONNECT_ROUTING_ID, "named");
  await theirs.connect(ourBound.lastEndpoint!);
  try {
    await ours.send(["named", "from us"]);
    assert.deepEqual(texts(await theirBound.receive()), ["ours", "from us"]);
    await theirs.send(["named", "from libzmq"]);
    assert.deepEqual(texts(await recv(ourBound.receive())), ["theirs", "from libzmq"]);
  } finally {
    ours.close();
    ourBound.close();
  }
});

const ZMQ_ONLY_FIRST_SUBSCRIBE = 108;

Deno.test("ONLY_FIRST_SUBSCRIBE: libzmq's XPUB, like ours, subscribes from a later frame unless it is set", async () => {
  for (const onlyFirst of [false, true]) {
    await using peer = await LibzmqPeer.start();
    const theirs = await peer.socket("XPublisher");
    if (onlyFirst) await theirs.call("setInt32Option", ZMQ_ONLY_FIRST_SUBSCRIBE, 1);
    const endpoint = await theirs.bind("tcp://127.0.0.1:*");
    const xsub = new XSubscriber();
    xsub.connect(endpoint);
    try {
      await xsub.send(["data", "\x01topic"]);
      await theirs.receive(); // what libzmq passes up
      await theirs.send(["topic", "value"]);
      await theirs.send(["zzz", "marker"]);
      // The marker reaches nobody (no subscription to it); only "topic" may arrive.
      const got = await xsub.receive({ signal: AbortSignal.timeout(500) }).then(
        (msg) => texts(msg),
        () => null,
      );
      assert.deepEqual(got, onlyFirst ? null : ["topic", "value"]);
    } finally {
      xsub.close();
    }
  }
});

const ZMQ_XPUB_MANUAL_LAST_VALUE = 98;
const ZMQ_SUBSCRIBE = 6;

Deno.test("XPUB_MANUAL_LAST_VALUE: libzmq's XPUB, like ours, sends the next message to the newcomer only", async () => {
  await using peer = await LibzmqPeer.start();
  const theirs = await peer.socket("XPublisher");
  await theirs.call("setInt32Option", ZMQ_XPUB_MANUAL_LAST_VALUE, 1);
  const theirEndpoint = await theirs.bind("tcp://127.0.0.1:*");
  const ours = new XPublisher({ xpubManualLastValue: true });
  await ours.bind("tcp://127.0.0.1:*");
  const subs = [new Subscriber(), new Subscriber(), new Subscriber(), new Subscriber()];
  const [oldToTheirs, newToTheirs, oldToOurs, newToOurs] = subs;
  try {
    // An old subscriber first, subscribed manually, then a newcomer.
    for (
      const [sub, endpoint] of [[oldToTheirs, theirEndpoint], [
        oldToOurs,
        ours.lastEndpoint!,
      ]] as const
    ) {
      sub.subscribe("t");
      sub.connect(endpoint);
    }
    await theirs.receive();
    await theirs.call("setStringOption", ZMQ_SUBSCRIBE, "t");
    await recv(ours.receive());
    ours.subscribe("t");
    for (
      const [sub, endpoint] of [[newToTheirs, theirEndpoint], [
        newToOurs,
        ours.lastEndpoint!,
      ]] as const
    ) {
      sub.subscribe("t");
      sub.connect(endpoint);
    }
    await theirs.receive();
    await theirs.call("setStringOption", ZMQ_SUBSCRIBE, "t");
    await recv(ours.receive());
    ours.subscribe("t");
    await theirs.send("t last value");
    await theirs.send("t next");
    await ours.send("t last value");
    await ours.send("t next");
    for (const sub of [newToTheirs, newToOurs]) {
      assert.deepEqual(texts(await recv(sub.receive())), ["t last value"]);
      assert.deepEqual(texts(await recv(sub.receive())), ["t next"]);
    }
    for (const sub of [oldToTheirs, oldToOurs]) {
      assert.deepEqual(texts(await recv(sub.receive())), ["t next"]);
    }
  } finally {
    for (const sub of subs) sub.close();
    ours.close();
  }
});
