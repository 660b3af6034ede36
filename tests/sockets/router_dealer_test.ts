import assert from "node:assert/strict";
import { Dealer, Router, type SocketEvent, ZmqError } from "../../mod.ts";
import { bytes, delay, texts, within } from "../helpers.ts";

const TCP = "tcp://127.0.0.1:*";

function isCode(code: string) {
  return (err: unknown) => err instanceof ZmqError && err.code === code;
}

/** Waits for the `count`-th event of `type` (start reading events before the connections). */
async function nthEvent(events: AsyncIterable<SocketEvent>, type: string, count: number) {
  let seen = 0;
  for await (const event of events) {
    if (event.type === type && ++seen === count) return event;
  }
  throw new Error(`events ended before ${count} ${type}`);
}

/** Sends through a mandatory ROUTER once the peer's handshake made its id known. */
async function sendWhenRoutable(router: Router, msg: (string | Uint8Array)[]): Promise<void> {
  const frames = msg.map((f) => typeof f === "string" ? bytes(f) : f);
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await router.send([...frames]);
      return;
    } catch (err) {
      if (!isCode("EHOSTUNREACH")(err) || Date.now() > deadline) throw err;
      await delay(5);
    }
  }
}

Deno.test("ROUTER prefixes each message with the peer's routing id", async () => {
  const router = new Router();
  await router.bind(TCP);
  const dealer = new Dealer({ routingId: "alice" });
  dealer.connect(router.lastEndpoint!);
  await dealer.send(["a", "", "c"]);
  assert.deepEqual(texts(await within(5000, router.receive())), ["alice", "a", "", "c"]);
  dealer.close();
  router.close();
});

Deno.test("ROUTER gives peers without a routing id generated 5-byte ids that start with a zero byte", async () => {
  const router = new Router();
  await router.bind(TCP);
  const one = new Dealer();
  const two = new Dealer();
  one.connect(router.lastEndpoint!);
  two.connect(router.lastEndpoint!);
  await one.send("one");
  await two.send("two");
  const ids: Uint8Array[] = [];
  for (let i = 0; i < 2; i++) ids.push((await within(5000, router.receive()))[0]);
  for (const id of ids) {
    assert.equal(id.length, 5);
    assert.equal(id[0], 0);
  }
  assert.notDeepEqual(ids[0], ids[1]);
  one.close();
  two.close();
  router.close();
});

Deno.test("ROUTER routes each reply to the peer whose id it carries", async () => {
  const router = new Router();
  await router.bind(TCP);
  const alice = new Dealer({ routingId: "alice" });
  const bob = new Dealer({ routingId: "bob" });
  alice.connect(router.lastEndpoint!);
  bob.connect(router.lastEndpoint!);
  await alice.send("hi from alice");
  await bob.send("hi from bob");
  for (let i = 0; i < 2; i++) {
    const [id, text] = await within(5000, router.receive());
    await router.send([id, "reply to", text]);
  }
  assert.deepEqual(texts(await within(5000, alice.receive())), ["reply to", "hi from alice"]);
  assert.deepEqual(texts(await within(5000, bob.receive())), ["reply to", "hi from bob"]);
  alice.close();
  bob.close();
  router.close();
});

Deno.test("ROUTER drops a message to an unknown routing id", async () => {
  const router = new Router();
  await router.bind(TCP);
  const dealer = new Dealer({ routingId: "known" });
  dealer.connect(router.lastEndpoint!);
  await dealer.send("hello");
  await within(5000, router.receive());
  await router.send(["unknown", "lost"]);
  await router.send(["known", "delivered"]);
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["delivered"]);
  dealer.close();
  router.close();
});

Deno.test("ROUTER with routerMandatory rejects an unknown routing id with EHOSTUNREACH", async () => {
  const router = new Router({ routerMandatory: true });
  await assert.rejects(router.send(["nobody", "hello"]), isCode("EHOSTUNREACH"));
  router.close();
});

Deno.test("ROUTER with routerMandatory rejects the id of a peer that left with EHOSTUNREACH", async () => {
  const router = new Router({ routerMandatory: true });
  await router.bind(TCP);
  const dealer = new Dealer({ routingId: "leaver" });
  dealer.connect(router.lastEndpoint!);
  await dealer.send("hello");
  await within(5000, router.receive());
  dealer.close();
  await within(
    5000,
    (async () => {
      for (;;) {
        try {
          await router.send(["leaver", "anyone there?"]);
        } catch (err) {
          if (isCode("EHOSTUNREACH")(err)) return;
          throw err;
        }
        await delay(5);
      }
    })(),
  );
  router.close();
});

Deno.test("ROUTER with routerMandatory waits at a full peer, then rejects with EAGAIN", async () => {
  // inproc: the queue holds exactly the sender's plus the receiver's high-water mark.
  const dealer = new Dealer({ routingId: "slow", receiveHighWaterMark: 1 });
  await dealer.bind("inproc://router-mandatory-full");
  const router = new Router({ routerMandatory: true, sendHighWaterMark: 1, sendTimeout: 50 });
  router.connect("inproc://router-mandatory-full");
  await router.send(["slow", "1"]);
  await router.send(["slow", "2"]);
  await assert.rejects(router.send(["slow", "3"]), isCode("EAGAIN"));
  assert.deepEqual(texts(await dealer.receive()), ["1"]);
  router.close();
  dealer.close();
});

Deno.test("ROUTER without routerMandatory drops messages to a full peer", async () => {
  const dealer = new Dealer({ routingId: "slow", receiveHighWaterMark: 1 });
  await dealer.bind("inproc://router-drop-full");
  const router = new Router({ sendHighWaterMark: 1, sendTimeout: 50 });
  router.connect("inproc://router-drop-full");
  for (let i = 1; i <= 5; i++) await router.send(["slow", `${i}`]);
  assert.deepEqual(texts(await dealer.receive()), ["1"]);
  assert.deepEqual(texts(await dealer.receive()), ["2"]);
  await assert.rejects(dealer.receive({ signal: AbortSignal.timeout(50) }));
  router.close();
  dealer.close();
});

Deno.test("ROUTER ignores a second peer with a routing id already in use", async () => {
  const router = new Router({ receiveTimeout: 200 });
  const events = router.events;
  await router.bind(TCP);
  const first = new Dealer({ routingId: "twin" });
  first.connect(router.lastEndpoint!);
  await first.send("from first");
  assert.deepEqual(texts(await within(5000, router.receive())), ["twin", "from first"]);
  const second = new Dealer({ routingId: "twin" });
  second.connect(router.lastEndpoint!);
  await within(5000, nthEvent(events, "handshake", 2));
  await second.send("from second");
  await router.send(["twin", "for the first"]);
  assert.deepEqual(texts(await within(5000, first.receive())), ["for the first"]);
  await assert.rejects(router.receive(), isCode("EAGAIN"));
  first.close();
  second.close();
  router.close();
});

Deno.test("ROUTER gives an ignored peer the routing id once its holder leaves", async () => {
  const router = new Router();
  const events = router.events;
  await router.bind(TCP);
  const first = new Dealer({ routingId: "twin" });
  first.connect(router.lastEndpoint!);
  await first.send("from first");
  assert.deepEqual(texts(await within(5000, router.receive())), ["twin", "from first"]);
  const second = new Dealer({ routingId: "twin" });
  second.connect(router.lastEndpoint!);
  await within(5000, nthEvent(events, "handshake", 2));
  await second.send("from second");
  first.close();
  assert.deepEqual(texts(await within(5000, router.receive())), ["twin", "from second"]);
  await router.send(["twin", "for the second"]);
  assert.deepEqual(texts(await within(5000, second.receive())), ["for the second"]);
  second.close();
  router.close();
});

Deno.test("ROUTER with routerHandover gives the id to the newer peer and closes the older", async () => {
  const router = new Router({ routerHandover: true });
  const events = router.events;
  await router.bind(TCP);
  const first = new Dealer({ routingId: "twin", reconnectInterval: 60000 });
  const firstEvents = first.events;
  first.connect(router.lastEndpoint!);
  await first.send("from first");
  assert.deepEqual(texts(await within(5000, router.receive())), ["twin", "from first"]);
  const second = new Dealer({ routingId: "twin" });
  second.connect(router.lastEndpoint!);
  await within(5000, nthEvent(events, "handshake", 2));
  await router.send(["twin", "for the newer"]);
  assert.deepEqual(texts(await within(5000, second.receive())), ["for the newer"]);
  await second.send("from second");
  assert.deepEqual(texts(await within(5000, router.receive())), ["twin", "from second"]);
  await within(5000, nthEvent(firstEvents, "disconnect", 1));
  first.close();
  second.close();
  router.close();
});

Deno.test("DEALER with probeRouter announces itself to a ROUTER with an empty message", async () => {
  const router = new Router();
  await router.bind(TCP);
  const dealer = new Dealer({ routingId: "prober", probeRouter: true });
  dealer.connect(router.lastEndpoint!);
  assert.deepEqual(texts(await within(5000, router.receive())), ["prober", ""]);
  await router.send(["prober", "seen you"]);
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["seen you"]);
  dealer.close();
  router.close();
});

Deno.test("ROUTER-ROUTER: a probing ROUTER lets the bound ROUTER answer first", async () => {
  const server = new Router({ routingId: "server" });
  await server.bind(TCP);
  const client = new Router({ routingId: "client", probeRouter: true });
  client.connect(server.lastEndpoint!);
  assert.deepEqual(texts(await within(5000, server.receive())), ["client", ""]);
  await server.send(["client", "welcome", "aboard"]);
  assert.deepEqual(texts(await within(5000, client.receive())), ["server", "welcome", "aboard"]);
  client.close();
  server.close();
});

Deno.test("ROUTER-ROUTER: the connecting ROUTER addresses the bound one by its routing id", async () => {
  const server = new Router({ routingId: "server" });
  await server.bind(TCP);
  const client = new Router({ routingId: "client", routerMandatory: true });
  client.connect(server.lastEndpoint!);
  await within(5000, sendWhenRoutable(client, ["server", "", "hello"]));
  assert.deepEqual(texts(await within(5000, server.receive())), ["client", "", "hello"]);
  await server.send(["client", "", "hi"]);
  assert.deepEqual(texts(await within(5000, client.receive())), ["server", "", "hi"]);
  client.close();
  server.close();
});

Deno.test("ROUTER connected over inproc before the peer binds learns its id at bind", async () => {
  const router = new Router({ routerMandatory: true });
  router.connect("inproc://router-before-bind");
  await assert.rejects(router.send(["late", "too early"]), isCode("EHOSTUNREACH"));
  const dealer = new Dealer({ routingId: "late" });
  await dealer.bind("inproc://router-before-bind");
  await router.send(["late", "now"]);
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["now"]);
  router.close();
  dealer.close();
});

Deno.test("DEALER load-balances outgoing messages over its peers", async () => {
  const dealer = new Dealer();
  await dealer.bind("inproc://dealer-lb");
  const peers = [new Dealer(), new Dealer()];
  for (const peer of peers) peer.connect("inproc://dealer-lb");
  for (let i = 0; i < 4; i++) await dealer.send(`${i}`);
  const got = await Promise.all(peers.map(async (peer) => [
    texts(await within(5000, peer.receive()))[0],
    texts(await within(5000, peer.receive()))[0],
  ]));
  assert.deepEqual(got.flat().sort(), ["0", "1", "2", "3"]);
  assert.deepEqual(got.map((pair) => Number(pair[1]) - Number(pair[0])), [2, 2]);
  for (const s of [...peers, dealer]) s.close();
});

Deno.test("DEALER fair-queues incoming messages from its peers", async () => {
  const dealer = new Dealer();
  await dealer.bind("inproc://dealer-fq");
  const a = new Dealer();
  const b = new Dealer();
  a.connect("inproc://dealer-fq");
  b.connect("inproc://dealer-fq");
  for (let i = 0; i < 3; i++) await a.send(`a${i}`);
  for (let i = 0; i < 3; i++) await b.send(`b${i}`);
  const order: string[] = [];
  for (let i = 0; i < 6; i++) order.push(texts(await within(5000, dealer.receive()))[0]);
  assert.deepEqual(order, ["a0", "b0", "a1", "b1", "a2", "b2"]);
  for (const s of [a, b, dealer]) s.close();
});

Deno.test("DEALER-DEALER: multipart messages both ways over tcp", async () => {
  const server = new Dealer();
  await server.bind(TCP);
  const client = new Dealer();
  client.connect(server.lastEndpoint!);
  await client.send(["x", "", "y"]);
  assert.deepEqual(texts(await within(5000, server.receive())), ["x", "", "y"]);
  await server.send(["back", "again"]);
  assert.deepEqual(texts(await within(5000, client.receive())), ["back", "again"]);
  client.close();
  server.close();
});

Deno.test("DEALER-ROUTER: an asynchronous client sends several requests before any reply", async () => {
  const router = new Router();
  await router.bind(TCP);
  const dealer = new Dealer();
  dealer.connect(router.lastEndpoint!);
  for (let i = 0; i < 10; i++) await dealer.send(["", `request ${i}`]);
  for (let i = 0; i < 10; i++) {
    const [id, empty, request] = await within(5000, router.receive());
    await router.send([id, empty, request, "done"]);
  }
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(texts(await within(5000, dealer.receive())), ["", `request ${i}`, "done"]);
  }
  dealer.close();
  router.close();
});
