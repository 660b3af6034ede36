/**
 * libzmq 4.3.5's draft options, library to library: ZMQ_HELLO_MSG,
 * ZMQ_DISCONNECT_MSG, ZMQ_HICCUP_MSG, ZMQ_ROUTER_NOTIFY,
 * ZMQ_XPUB_MANUAL_LAST_VALUE, ZMQ_ONLY_FIRST_SUBSCRIBE and
 * ZMQ_CONNECT_ROUTING_ID.
 */

import assert from "node:assert/strict";
import {
  Client,
  Dealer,
  messageRoutingId,
  Router,
  Server,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../../mod.ts";
import { delay, texts, within } from "../../helpers.ts";

const recv = <T>(p: Promise<T>) => within(5000, p, "receive");

Deno.test("helloMessage: a Router's hello is the first message its new peer receives", async () => {
  const router = new Router({ helloMessage: "welcome" });
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer();
  dealer.connect(router.lastEndpoint!);
  try {
    assert.deepEqual(texts(await recv(dealer.receive())), ["welcome"]);
  } finally {
    dealer.close();
    router.close();
  }
});

Deno.test("helloMessage: a Dealer's hello goes before what it queued, and again after reconnecting", async () => {
  const first = new Router();
  await first.bind("tcp://127.0.0.1:*");
  const endpoint = first.lastEndpoint!;
  const dealer = new Dealer({ helloMessage: "hello" });
  dealer.connect(endpoint);
  // Queued at once: the pipe exists before the connection does.
  await dealer.send("queued before the connection");
  try {
    assert.deepEqual(texts(await recv(first.receive())).slice(1), ["hello"]);
    assert.deepEqual(texts(await recv(first.receive())).slice(1), ["queued before the connection"]);
    first.close();
    const second = new Router();
    await second.bind(endpoint);
    try {
      assert.deepEqual(texts(await recv(second.receive())).slice(1), ["hello"]);
    } finally {
      second.close();
    }
  } finally {
    dealer.close();
    first.close();
  }
});

Deno.test("helloMessage over inproc: Client and Server each greet the other as the pipe is made", async () => {
  const server = new Server({ helloMessage: "from server" });
  await server.bind("inproc://hello-inproc");
  const client = new Client({ helloMessage: "from client" });
  client.connect("inproc://hello-inproc");
  assert.deepEqual(texts(await recv(server.receive())), ["from client"]);
  assert.deepEqual(texts(await recv(client.receive())), ["from server"]);
  client.close();
  server.close();
});

Deno.test("disconnectMessage: a Router receives it from a peer it accepted that went away", async () => {
  const router = new Router({ disconnectMessage: "gone" });
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ routingId: "d1" });
  dealer.connect(router.lastEndpoint!);
  try {
    await dealer.send("hi");
    assert.deepEqual(texts(await recv(router.receive())), ["d1", "hi"]);
    dealer.close();
    assert.deepEqual(texts(await recv(router.receive())), ["d1", "gone"]);
  } finally {
    dealer.close();
    router.close();
  }
});

Deno.test("disconnectMessage: a Server receives it, with the client's routing id, over inproc too", async () => {
  const server = new Server({ disconnectMessage: "gone" });
  await server.bind("inproc://disconnect-inproc");
  const client = new Client();
  client.connect("inproc://disconnect-inproc");
  await client.send("hi");
  const hi = await recv(server.receive());
  client.close();
  const gone = await recv(server.receive());
  assert.deepEqual(texts(gone), ["gone"]);
  assert.equal(messageRoutingId(gone), messageRoutingId(hi));
  server.close();
});

Deno.test("disconnectMessage is not for peers the socket connected to (libzmq: accepted only)", async () => {
  const bound = new Router();
  await bound.bind("tcp://127.0.0.1:*");
  const router = new Router({ disconnectMessage: "gone", routingId: "r" });
  router.connect(bound.lastEndpoint!, { routingId: "bound" });
  try {
    await router.send(["bound", "hi"]);
    assert.deepEqual(texts(await recv(bound.receive())), ["r", "hi"]);
    bound.close();
    await assert.rejects(
      router.receive({ signal: AbortSignal.timeout(300) }),
      (err: Error) => err.name === "TimeoutError",
    );
  } finally {
    router.close();
    bound.close();
  }
});

Deno.test("hiccupMessage: a Client receives it when its server's connection drops", async () => {
  const server = new Server();
  await server.bind("tcp://127.0.0.1:*");
  const client = new Client({ hiccupMessage: "hiccup" });
  client.connect(server.lastEndpoint!);
  try {
    await client.send("hi");
    await recv(server.receive());
    server.close();
    assert.deepEqual(texts(await recv(client.receive())), ["hiccup"]);
  } finally {
    client.close();
    server.close();
  }
});

Deno.test("hiccupMessage: a Dealer receives it when its peer's connection drops", async () => {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ hiccupMessage: "hiccup" });
  dealer.connect(router.lastEndpoint!);
  try {
    await dealer.send("hi");
    await recv(router.receive());
    router.close();
    assert.deepEqual(texts(await recv(dealer.receive())), ["hiccup"]);
  } finally {
    dealer.close();
    router.close();
  }
});

Deno.test("routerNotify: [id, ''] when a peer connects (1) and when it disconnects (2)", async () => {
  const router = new Router({ routerNotify: 3 });
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ routingId: "d" });
  dealer.connect(router.lastEndpoint!);
  try {
    assert.deepEqual(texts(await recv(router.receive())), ["d", ""]);
    await dealer.send("data");
    assert.deepEqual(texts(await recv(router.receive())), ["d", "data"]);
    dealer.close();
    assert.deepEqual(texts(await recv(router.receive())), ["d", ""]);
  } finally {
    dealer.close();
    router.close();
  }
});

Deno.test("routerNotify 2 only: no notification on connect, one on disconnect", async () => {
  const router = new Router({ routerNotify: 2 });
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ routingId: "d" });
  dealer.connect(router.lastEndpoint!);
  try {
    await dealer.send("data");
    assert.deepEqual(texts(await recv(router.receive())), ["d", "data"]);
    dealer.close();
    assert.deepEqual(texts(await recv(router.receive())), ["d", ""]);
  } finally {
    dealer.close();
    router.close();
  }
});

Deno.test("routerNotify: values other than 0 to 3 are EINVAL", () => {
  assert.throws(() => new Router({ routerNotify: 4 }), /routerNotify/);
});

Deno.test("xpubManualLastValue: the next send goes only to the subscriber just received", async () => {
  const xpub = new XPublisher({ xpubManualLastValue: true });
  await xpub.bind("inproc://last-value");
  const a = new Subscriber();
  const b = new Subscriber();
  a.connect("inproc://last-value");
  a.subscribe("t");
  assert.deepEqual(texts(await recv(xpub.receive())), ["\x01t"]);
  xpub.subscribe("t");
  await xpub.send("t=1");
  assert.deepEqual(texts(await recv(a.receive())), ["t=1"]);
  b.connect("inproc://last-value");
  b.subscribe("t");
  assert.deepEqual(texts(await recv(xpub.receive())), ["\x01t"]);
  xpub.subscribe("t");
  await xpub.send("t=1 for b");
  await xpub.send("t=2");
  assert.deepEqual(texts(await recv(b.receive())), ["t=1 for b"]);
  assert.deepEqual(texts(await recv(b.receive())), ["t=2"]);
  assert.deepEqual(texts(await recv(a.receive())), ["t=2"]);
  a.close();
  b.close();
  xpub.close();
});

Deno.test("XPublisher: in a multipart message each frame starting with 1 subscribes (libzmq); onlyFirstSubscribe makes it data", async () => {
  for (const onlyFirstSubscribe of [false, true]) {
    const xpub = new XPublisher({ onlyFirstSubscribe });
    await xpub.bind(`inproc://only-first-${onlyFirstSubscribe}`);
    const xsub = new XSubscriber();
    xsub.connect(`inproc://only-first-${onlyFirstSubscribe}`);
    await xsub.send(["data", "\x01topic"]);
    const got = texts(await recv(xpub.receive()));
    if (onlyFirstSubscribe) {
      assert.deepEqual(got, ["data", "\x01topic"]);
      assert.equal(xpub.topicCount, 0);
    } else {
      // The subscription is reported first, then the data that remains.
      assert.deepEqual(got, ["\x01topic"]);
      assert.deepEqual(texts(await recv(xpub.receive())), ["data"]);
      assert.equal(xpub.topicCount, 1);
    }
    xsub.close();
    xpub.close();
  }
});

Deno.test("XSubscriber: onlyFirstSubscribe keeps frames after a data frame from subscribing", () => {
  const plain = new XSubscriber();
  const onlyFirst = new XSubscriber({ onlyFirstSubscribe: true });
  plain.send(["data", "\x01topic"]);
  onlyFirst.send(["data", "\x01topic"]);
  assert.equal(plain.topicCount, 1);
  assert.equal(onlyFirst.topicCount, 0);
  onlyFirst.send(["\x01a", "\x01b"]);
  assert.equal(onlyFirst.topicCount, 2);
  plain.close();
  onlyFirst.close();
});

Deno.test("Router connect(endpoint, { routingId }): the peer is routable at once under that id", async () => {
  const bound = new Router({ routingId: "bound" });
  await bound.bind("tcp://127.0.0.1:*");
  const router = new Router({ routingId: "connecter", routerMandatory: true });
  router.connect(bound.lastEndpoint!, { routingId: "server-1" });
  try {
    await router.send(["server-1", "first"]);
    assert.deepEqual(texts(await recv(bound.receive())), ["connecter", "first"]);
    assert.throws(
      () => router.connect(bound.lastEndpoint!, { routingId: "server-1" }),
      /in use/,
    );
  } finally {
    router.close();
    bound.close();
  }
});

Deno.test("Stream connect(endpoint, { routingId }): the connection gets that id", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const stream = new Stream();
  stream.connect(`tcp://127.0.0.1:${listener.addr.port}`, { routingId: "web" });
  try {
    assert.deepEqual(texts(stream.routingId instanceof Uint8Array ? [stream.routingId] : []), [
      "web",
    ]);
    const conn = await listener.accept();
    const [id, data] = await recv(stream.receive());
    assert.deepEqual(texts([id, data]), ["web", ""]);
    conn.close();
    await delay(1);
    await recv(stream.receive()); // the disconnect notification
  } finally {
    stream.close();
    listener.close();
  }
});
