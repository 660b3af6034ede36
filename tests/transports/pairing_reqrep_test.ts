/**
 * Request-reply pairings over every transport (tcp, tcp6, ipc, inproc):
 * REQ/REP, DEALER/ROUTER and their crossings; STREAM over tcp and ipc.
 */

import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router, Stream, ZmqError } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { testEachTransport, unboundEndpoint } from "./cases.ts";

testEachTransport("REQ asks a bound REP and gets each answer", async (t) => {
  using rep = new Reply();
  await rep.bind(t.bindEndpoint());
  using req = new Request();
  req.connect(t.connectEndpoint(rep.lastEndpoint!));
  for (let i = 0; i < 3; i++) {
    await req.send(["question", String(i)]);
    assert.deepEqual(texts(await within(5000, rep.receive())), ["question", String(i)]);
    await rep.send(["answer", String(i)]);
    assert.deepEqual(texts(await within(5000, req.receive())), ["answer", String(i)]);
  }
});

testEachTransport("REP connects to a bound REQ", async (t) => {
  using req = new Request();
  await req.bind(t.bindEndpoint());
  using rep = new Reply();
  rep.connect(t.connectEndpoint(req.lastEndpoint!));
  await req.send("ping");
  assert.deepEqual(texts(await within(5000, rep.receive())), ["ping"]);
  await rep.send("pong");
  assert.deepEqual(texts(await within(5000, req.receive())), ["pong"]);
});

testEachTransport(
  "a REQ that connects before the REP binds is answered once it binds",
  async (t) => {
    const endpoint = unboundEndpoint(t);
    using req = new Request({ reconnectInterval: 20 });
    req.connect(endpoint);
    await req.send("anyone?");
    using rep = new Reply();
    await rep.bind(endpoint);
    assert.deepEqual(texts(await within(5000, rep.receive())), ["anyone?"]);
    await rep.send("here");
    assert.deepEqual(texts(await within(5000, req.receive())), ["here"]);
  },
);

testEachTransport("ROUTER sees a DEALER's routing id and routes the answer back", async (t) => {
  using router = new Router();
  await router.bind(t.bindEndpoint());
  using dealer = new Dealer({ routingId: "dealer-1" });
  dealer.connect(t.connectEndpoint(router.lastEndpoint!));
  await dealer.send(["job", "7"]);
  const [id, ...body] = await within(5000, router.receive());
  assert.deepEqual(texts([id]), ["dealer-1"]);
  assert.deepEqual(texts(body), ["job", "7"]);
  await router.send([id, "done", "7"]);
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["done", "7"]);
});

testEachTransport(
  "a connecting ROUTER learns a bound DEALER's id and can address it",
  async (t) => {
    using dealer = new Dealer({ routingId: "worker" });
    await dealer.bind(t.bindEndpoint());
    using router = new Router({ routerMandatory: true });
    router.connect(t.connectEndpoint(dealer.lastEndpoint!));
    // Until the handshake tells the ROUTER the peer's id, it is unroutable.
    await within(5000, sendWhenRoutable(router, ["worker", "hello"]));
    assert.deepEqual(texts(await within(5000, dealer.receive())), ["hello"]);
  },
);

testEachTransport(
  "a ROUTER that connects before the DEALER binds can address it once bound",
  async (t) => {
    const endpoint = unboundEndpoint(t);
    using router = new Router({ routerMandatory: true, reconnectInterval: 20 });
    router.connect(endpoint);
    await assert.rejects(
      router.send(["late", "too early"]),
      (err) => err instanceof ZmqError && err.code === "EHOSTUNREACH",
    );
    using dealer = new Dealer({ routingId: "late" });
    await dealer.bind(endpoint);
    await within(5000, sendWhenRoutable(router, ["late", "hello"]));
    assert.deepEqual(texts(await within(5000, dealer.receive())), ["hello"]);
  },
);

testEachTransport("REQ through a bound ROUTER: the envelope is [id, empty, body]", async (t) => {
  using router = new Router();
  await router.bind(t.bindEndpoint());
  using req = new Request({ routingId: "client" });
  req.connect(t.connectEndpoint(router.lastEndpoint!));
  await req.send("hi");
  const envelope = await within(5000, router.receive());
  assert.deepEqual(texts(envelope), ["client", "", "hi"]);
  await router.send([envelope[0], "", "hello client"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["hello client"]);
});

testEachTransport("DEALER talks to a bound REP with an empty delimiter frame", async (t) => {
  using rep = new Reply();
  await rep.bind(t.bindEndpoint());
  using dealer = new Dealer();
  dealer.connect(t.connectEndpoint(rep.lastEndpoint!));
  await dealer.send(["", "request"]);
  assert.deepEqual(texts(await within(5000, rep.receive())), ["request"]);
  await rep.send("reply");
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["", "reply"]);
});

testEachTransport("DEALER to DEALER, both ways", async (t) => {
  using a = new Dealer();
  await a.bind(t.bindEndpoint());
  using b = new Dealer();
  b.connect(t.connectEndpoint(a.lastEndpoint!));
  await b.send("to a");
  assert.deepEqual(texts(await within(5000, a.receive())), ["to a"]);
  await a.send("to b");
  assert.deepEqual(texts(await within(5000, b.receive())), ["to b"]);
});

testEachTransport("STREAM to STREAM carries raw bytes", async (t) => {
  using server = new Stream();
  await server.bind(t.bindEndpoint());
  using client = new Stream();
  client.connect(t.connectEndpoint(server.lastEndpoint!));
  const id = client.routingId as Uint8Array;
  await client.send([id, "raw bytes"]);
  const [serverId, opened] = await within(5000, server.receive());
  assert.equal(opened.length, 0, "a new connection is reported as [id, empty]");
  let received = "";
  while (received.length < "raw bytes".length) {
    const [from, data] = await within(5000, server.receive());
    assert.deepEqual(from, serverId);
    received += new TextDecoder().decode(data);
  }
  assert.equal(received, "raw bytes");
}, { except: ["inproc", "ws"] });

Deno.test("STREAM refuses ws, whose messages are ZWS frames, not raw bytes (ENOTSUP)", async () => {
  using stream = new Stream();
  await assert.rejects(
    stream.bind("ws://127.0.0.1:*"),
    (err) => err instanceof ZmqError && err.code === "ENOTSUP",
  );
});

Deno.test("STREAM refuses inproc, which has no bytes to carry (ENOTSUP)", async () => {
  using stream = new Stream();
  await assert.rejects(
    stream.bind("inproc://raw"),
    (err) => err instanceof ZmqError && err.code === "ENOTSUP",
  );
  assert.throws(
    () => stream.connect("inproc://raw"),
    (err) => err instanceof ZmqError && err.code === "ENOTSUP",
  );
});

/** Sends on a mandatory ROUTER, retrying while the peer's id is not known yet (EHOSTUNREACH). */
async function sendWhenRoutable(router: Router, msg: string[]): Promise<void> {
  for (;;) {
    try {
      await router.send(msg);
      return;
    } catch (err) {
      if (!(err instanceof ZmqError) || err.code !== "EHOSTUNREACH") throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
