// ws:// (ZWS 2.0, RFC 45) against libzmq 4.3.5 (zeromq.js 6.8.0): every
// socket type, each library binding and connecting, NULL, PLAIN and CURVE,
// WebSocket ping heartbeats.
import assert from "node:assert/strict";
import {
  curveKeyPair,
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type SocketBase,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, eventually, pattern, texts, within } from "../helpers.ts";
import { LibzmqPeer, type PeerSocket } from "./libzmq.ts";

const WS = "ws://127.0.0.1:*/zmq";

type Binder = "ours" | "libzmq";

/** Binds one side on ws and connects the other to it. */
async function wire(ours: SocketBase, theirs: PeerSocket, binder: Binder): Promise<void> {
  if (binder === "ours") {
    await ours.bind(WS);
    await theirs.connect(ours.lastEndpoint!);
  } else {
    ours.connect(await theirs.bind(WS));
  }
}

/** Sends probes from a libzmq PUB until our SUB gets one (it cannot see libzmq's subscriptions). */
async function untilSubscribed(pub: PeerSocket, sub: Subscriber | XSubscriber, topic: string) {
  sub.receiveTimeout = 50;
  try {
    for (let round = 0; round < 200; round++) {
      await pub.send([topic, "probe"]);
      try {
        await sub.receive();
        return;
      } catch { /* not yet */ }
    }
    throw new Error("no probe arrived");
  } finally {
    sub.receiveTimeout = -1;
  }
}

/** Receives past any probes still in flight. */
async function afterProbes(sub: SocketBase): Promise<string[]> {
  for (;;) {
    const msg = texts(await within(5000, sub.receive()));
    if (msg[1] !== "probe") return msg;
  }
}

interface Pairing {
  name: string;
  ours: () => SocketBase;
  theirs: string;
  theirOptions?: Record<string, unknown>;
  exchange(ours: SocketBase, theirs: PeerSocket): Promise<void>;
}

const PAIRINGS: Pairing[] = [
  {
    name: "our PUSH → libzmq PULL",
    ours: () => new Push(),
    theirs: "Pull",
    exchange: async (push, pull) => {
      await push.send(["", "a", "", "bc"]);
      assert.deepEqual(texts(await pull.receive()), ["", "a", "", "bc"]);
    },
  },
  {
    name: "libzmq PUSH → our PULL",
    ours: () => new Pull(),
    theirs: "Push",
    exchange: async (pull, push) => {
      await push.send(["x", ""]);
      assert.deepEqual(texts(await within(5000, pull.receive())), ["x", ""]);
    },
  },
  {
    name: "our PAIR ↔ libzmq PAIR",
    ours: () => new Pair(),
    theirs: "Pair",
    exchange: async (ours, theirs) => {
      await ours.send("ping");
      assert.deepEqual(texts(await theirs.receive()), ["ping"]);
      await theirs.send("pong");
      assert.deepEqual(texts(await within(5000, ours.receive())), ["pong"]);
    },
  },
  {
    name: "our REQ → libzmq REP",
    ours: () => new Request(),
    theirs: "Reply",
    exchange: async (req, rep) => {
      await req.send("question");
      assert.deepEqual(texts(await rep.receive()), ["question"]);
      await rep.send("answer");
      assert.deepEqual(texts(await within(5000, req.receive())), ["answer"]);
    },
  },
  {
    name: "libzmq REQ → our REP",
    ours: () => new Reply(),
    theirs: "Request",
    exchange: async (rep, req) => {
      await req.send(["q", "2"]);
      assert.deepEqual(texts(await within(5000, rep.receive())), ["q", "2"]);
      await rep.send("a");
      assert.deepEqual(texts(await req.receive()), ["a"]);
    },
  },
  {
    name: "our DEALER → libzmq ROUTER",
    ours: () => new Dealer({ routingId: "dealer-1" }),
    theirs: "Router",
    exchange: async (dealer, router) => {
      await dealer.send("hi");
      const [id, body] = await router.receive();
      assert.equal(new TextDecoder().decode(id), "dealer-1");
      assert.deepEqual(texts([body]), ["hi"]);
      await router.send([id, "back"]);
      assert.deepEqual(texts(await within(5000, dealer.receive())), ["back"]);
    },
  },
  {
    name: "libzmq DEALER → our ROUTER",
    ours: () => new Router(),
    theirs: "Dealer",
    theirOptions: { routingId: "theirs" },
    exchange: async (router, dealer) => {
      await dealer.send("hi");
      const [id, body] = await within(5000, router.receive());
      assert.deepEqual(texts([id, body]), ["theirs", "hi"]);
      await router.send([id, "back"]);
      assert.deepEqual(texts(await dealer.receive()), ["back"]);
    },
  },
  {
    name: "libzmq SUB → our PUB (\\x01 subscription messages)",
    ours: () => new Publisher(),
    theirs: "Subscriber",
    exchange: async (pub, sub) => {
      await sub.call("subscribe", "A");
      // A pending receive lets libzmq's socket take the connection and subscribe.
      const received = sub.receive(5000);
      const publisher = pub as Publisher;
      await eventually(() => publisher.topicCount === 1, 5000, "libzmq's subscription");
      await pub.send(["B", "not for you"]);
      await pub.send(["A", "one", "two"]);
      assert.deepEqual(texts(await received), ["A", "one", "two"]);
      await sub.call("unsubscribe", "A");
      await eventually(() => publisher.topicCount === 0, 5000, "libzmq's unsubscription");
    },
  },
  {
    name: "libzmq PUB → our SUB",
    ours: () => new Subscriber(),
    theirs: "Publisher",
    exchange: async (sub, pub) => {
      (sub as Subscriber).subscribe("A");
      await untilSubscribed(pub, sub as Subscriber, "A");
      await pub.send(["B", "no"]);
      await pub.send(["A", "yes"]);
      assert.deepEqual(await afterProbes(sub), ["A", "yes"]);
    },
  },
  {
    name: "libzmq XSUB → our XPUB (subscriptions are messages)",
    ours: () => new XPublisher(),
    theirs: "XSubscriber",
    exchange: async (xpub, xsub) => {
      const received = xsub.receive(5000);
      await xsub.send(new Uint8Array([1, 0x54]));
      assert.deepEqual([...(await within(5000, xpub.receive()))[0]], [1, 0x54]);
      await xpub.send(["T", "data"]);
      assert.deepEqual(texts(await received), ["T", "data"]);
    },
  },
  {
    name: "our XSUB → libzmq XPUB",
    ours: () => new XSubscriber(),
    theirs: "XPublisher",
    exchange: async (xsub, xpub) => {
      const first = xpub.receive();
      await delay(100);
      await xsub.send(new Uint8Array([1, 0x54]));
      assert.deepEqual([...(await first)[0]], [1, 0x54]);
      await xpub.send(["T", "data"]);
      assert.deepEqual(texts(await within(5000, xsub.receive())), ["T", "data"]);
    },
  },
];

for (const pairing of PAIRINGS) {
  for (const binder of ["ours", "libzmq"] as const) {
    Deno.test(`ws: ${pairing.name} (${binder === "ours" ? "we bind" : "libzmq binds"})`, async () => {
      await using peer = await LibzmqPeer.start();
      const ours = pairing.ours();
      const theirs = await peer.socket(pairing.theirs, pairing.theirOptions);
      // libzmq handles new connections while a call is pending on its socket.
      await wire(ours, theirs, binder);
      await pairing.exchange(ours, theirs);
      ours.close();
      await theirs.close();
    });
  }
}

for (const binder of ["ours", "libzmq"] as const) {
  Deno.test(`ws: frames of 0 B to 4 MiB both ways, libzmq's frame lengths (${binder} binds)`, async () => {
    await using peer = await LibzmqPeer.start();
    const ours = new Pair();
    const theirs = await peer.socket("Pair");
    await wire(ours, theirs, binder);
    const sizes = [0, 124, 125, 126, 65535, 65536, 4 * 1024 * 1024];
    const message = sizes.map((n, i) => pattern(n, i));
    await ours.send(message);
    assert.deepEqual(await theirs.receive(), message);
    await theirs.send(message);
    assert.deepEqual(await within(10000, ours.receive()), message);
    ours.close();
    await theirs.close();
  });
}

Deno.test("ws: 5,000 mixed messages from libzmq arrive complete and in order", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = new Pull();
  const push = await peer.socket("Push");
  await wire(pull, push, "ours");
  const messages = Array.from(
    { length: 5000 },
    (_, i) => i % 7 === 0 ? [pattern(i % 300, i), new Uint8Array(0)] : [pattern((i * 37) % 700, i)],
  );
  const received = (async () => {
    for (const [i, m] of messages.entries()) {
      assert.deepEqual(await within(10000, pull.receive()), m, `message ${i}`);
    }
  })();
  await push.sendMany(messages);
  await received;
  pull.close();
});

// ---- security ---------------------------------------------------------------------

Deno.test("ws: our PLAIN client and a libzmq PLAIN server (ZWS2.0/PLAIN)", async () => {
  await using peer = await LibzmqPeer.start();
  await peer.zapHandler({ users: { admin: "secret" } });
  const pull = await peer.socket("Pull", { plainServer: true });
  const endpoint = await pull.bind(WS);
  const received = pull.receive();
  const push = new Push({ plainUsername: "admin", plainPassword: "secret" });
  push.connect(endpoint);
  await push.send("over plain");
  assert.deepEqual(texts(await received), ["over plain"]);
  push.close();
});

Deno.test("ws: a libzmq PLAIN client and our PLAIN server", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = new Pull({
    plainServer: true,
    authenticate: (req) => req.credentials.length === 2,
    zapDomain: "x",
  });
  await pull.bind(WS);
  const push = await peer.socket("Push", { plainUsername: "u", plainPassword: "p" });
  await push.connect(pull.lastEndpoint!);
  await push.send("hello");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["hello"]);
  pull.close();
});

Deno.test("ws: CURVE both ways with libzmq, each side binding (ZWS2.0/CURVE)", async () => {
  await using peer = await LibzmqPeer.start();
  const server = await peer.curveKeyPair();
  const client = curveKeyPair();
  // libzmq server, our client
  const theirs = await peer.socket("Pair", { curveServer: true, curveSecretKey: server.secretKey });
  const endpoint = await theirs.bind(WS);
  const ours = new Pair({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  ours.connect(endpoint);
  await ours.send(["boxed", pattern(70000)]);
  assert.deepEqual(await theirs.receive(), [new TextEncoder().encode("boxed"), pattern(70000)]);
  await theirs.send("reply");
  assert.deepEqual(texts(await within(5000, ours.receive())), ["reply"]);
  ours.close();
  await theirs.close();
  // our server, libzmq client
  const ourKeys = curveKeyPair();
  const ourServer = new Pair({ curveServer: true, curveSecretKey: ourKeys.secretKey });
  await ourServer.bind(WS);
  const theirClient = await peer.socket("Pair", {
    curveServerKey: ourKeys.publicKey,
    curvePublicKey: server.publicKey,
    curveSecretKey: server.secretKey,
  });
  await theirClient.connect(ourServer.lastEndpoint!);
  await theirClient.send("to our server");
  assert.deepEqual(texts(await within(5000, ourServer.receive())), ["to our server"]);
  await ourServer.send("back");
  assert.deepEqual(texts(await theirClient.receive()), ["back"]);
  ourServer.close();
});

Deno.test("ws: a NULL client cannot reach a CURVE server (no common subprotocol)", async () => {
  await using peer = await LibzmqPeer.start();
  const server = await peer.curveKeyPair();
  const theirs = await peer.socket("Pull", { curveServer: true, curveSecretKey: server.secretKey });
  const endpoint = await theirs.bind(WS);
  const push = new Push();
  const log = new EventLog(push);
  push.connect(endpoint);
  await log.waitFor("handshake:error:protocol");
  push.close();
  await theirs.close();
});

// ---- heartbeats ------------------------------------------------------------------------

Deno.test("ws: our pings get libzmq's pongs, and libzmq's pings get ours: the link stays up", async () => {
  await using peer = await LibzmqPeer.start();
  const pair = new Pair({ heartbeatInterval: 50, heartbeatTimeout: 200 });
  const log = new EventLog(pair);
  await pair.bind(WS);
  const theirs = await peer.socket("Pair", { heartbeatInterval: 50, heartbeatTimeout: 200 });
  await theirs.monitor();
  await theirs.connect(pair.lastEndpoint!);
  await theirs.send("start");
  await within(5000, pair.receive());
  await delay(1000);
  assert.equal(log.has("disconnect"), false, "we never dropped libzmq");
  const theirEvents = (await theirs.events()).map((e) => e.type);
  assert.ok(!theirEvents.includes("disconnect"), `libzmq never dropped us (${theirEvents})`);
  await theirs.send("still here");
  assert.deepEqual(texts(await within(5000, pair.receive())), ["still here"]);
  pair.close();
});

// ---- acceptWebSocket ------------------------------------------------------------------

Deno.test("ws: a libzmq SUB reaches our PUB mounted in Deno.serve with acceptWebSocket", async () => {
  await using peer = await LibzmqPeer.start();
  const pub = new Publisher();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => pub.acceptWebSocket(request),
  );
  const sub = await peer.socket("Subscriber");
  await sub.call("subscribe", "A");
  await sub.connect(`ws://127.0.0.1:${server.addr.port}/feed`);
  const received = sub.receive(5000);
  await eventually(() => pub.topicCount === 1, 5000, "libzmq's subscription");
  await pub.send(["B", "no"]);
  await pub.send(["A", "yes"]);
  assert.deepEqual(texts(await received), ["A", "yes"]);
  await sub.close();
  pub.close();
  await server.shutdown();
});

Deno.test("ws: subscriptions inside CURVE boxes reach libzmq's PUB and come from libzmq's SUB", async () => {
  await using peer = await LibzmqPeer.start();
  const server = await peer.curveKeyPair();
  const client = curveKeyPair();
  const pub = await peer.socket("Publisher", {
    curveServer: true,
    curveSecretKey: server.secretKey,
  });
  const sub = new Subscriber({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  sub.subscribe("A");
  sub.connect(await pub.bind(WS));
  await untilSubscribed(pub, sub, "A");
  await pub.send(["B", "no"]);
  await pub.send(["A", "boxed"]);
  assert.deepEqual(await afterProbes(sub), ["A", "boxed"]);
  sub.close();
  await pub.close();

  const keys = curveKeyPair();
  const ourPub = new Publisher({ curveServer: true, curveSecretKey: keys.secretKey });
  await ourPub.bind(WS);
  const theirSub = await peer.socket("Subscriber", {
    curveServerKey: keys.publicKey,
    curvePublicKey: server.publicKey,
    curveSecretKey: server.secretKey,
  });
  await theirSub.call("subscribe", "A");
  await theirSub.connect(ourPub.lastEndpoint!);
  const received = theirSub.receive(5000);
  await eventually(() => ourPub.topicCount === 1, 5000, "libzmq's boxed subscription");
  await ourPub.send(["A", "to libzmq"]);
  assert.deepEqual(texts(await received), ["A", "to libzmq"]);
  ourPub.close();
});
