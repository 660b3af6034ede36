import assert from "node:assert/strict";
import {
  curveKeyPair,
  Dealer,
  messageUserId,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Subscriber,
  z85Decode,
  type ZapRequest,
  ZmqError,
} from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, eventually, pattern, texts, within } from "../helpers.ts";

const ANY = "tcp://127.0.0.1:*";

/** Nothing arrives: a receive with a short timeout runs out. */
async function assertNothingArrives(socket: Pull | Pair): Promise<void> {
  socket.receiveTimeout = 200;
  await assert.rejects(() => socket.receive(), { code: "EAGAIN" });
}

// ---- PLAIN -------------------------------------------------------------------

Deno.test("PLAIN: an allowed user's messages arrive with its User-Id", async () => {
  using pull = new Pull({
    plainServer: true,
    authenticate: (r) => r.username === "admin" && r.password === "secret",
  });
  await pull.bind(ANY);
  using push = new Push({ plainUsername: "admin", plainPassword: "secret" });
  push.connect(pull.lastEndpoint!);
  await push.send(["hello", "plain"]);
  const msg = await within(5000, pull.receive());
  assert.deepEqual(texts(msg), ["hello", "plain"]);
  assert.equal(messageUserId(msg), "admin");
  assert.equal(messageUserId(msg[1]), "admin");
});

Deno.test("PLAIN: a wrong password is refused with auth events and nothing arrives", async () => {
  using pull = new Pull({ plainServer: true, authenticate: (r) => r.password === "secret" });
  const serverEvents = new EventLog(pull);
  await pull.bind(ANY);
  using push = new Push({ plainUsername: "admin", plainPassword: "guess", linger: 0 });
  const clientEvents = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  const refused = await serverEvents.waitFor("handshake:error:auth");
  assert.match(refused.error!.message, /400 Denied/);
  const told = await clientEvents.waitFor("handshake:error:auth");
  assert.match(told.error!.message, /400/);
  await assertNothingArrives(pull);
  assert.equal(serverEvents.has("handshake"), false);
  assert.equal(clientEvents.has("handshake"), false);
});

Deno.test("PLAIN: a server without authenticate refuses every client, as libzmq without ZAP", async () => {
  using pull = new Pull({ plainServer: true });
  const serverEvents = new EventLog(pull);
  await pull.bind(ANY);
  using push = new Push({ plainUsername: "admin", plainPassword: "secret", linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  const failed = await serverEvents.waitFor("handshake:error:other");
  assert.match(failed.error!.message, /no authenticate handler/);
  await assertNothingArrives(pull);
});

// ---- CURVE -------------------------------------------------------------------

function curvePair(options: { authenticate?: (r: ZapRequest) => unknown } = {}) {
  const server = curveKeyPair();
  const client = curveKeyPair();
  const serverOptions = {
    curveServer: true,
    curveSecretKey: server.secretKey,
    authenticate: (options.authenticate ?? null) as Pull["authenticate"],
  };
  const clientOptions = {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  };
  return { server, client, serverOptions, clientOptions };
}

Deno.test("CURVE: multipart, empty and large messages cross both ways", async () => {
  const { serverOptions, clientOptions } = curvePair();
  using a = new Pair(serverOptions);
  await a.bind(ANY);
  using b = new Pair(clientOptions);
  b.connect(a.lastEndpoint!);
  const big = pattern(300_000);
  await b.send(["one", "", "three"]);
  await b.send(big);
  assert.deepEqual(texts(await within(5000, a.receive())), ["one", "", "three"]);
  assert.deepEqual((await within(5000, a.receive()))[0], big);
  await a.send(["back", big]);
  const reply = await within(5000, b.receive());
  assert.equal(new TextDecoder().decode(reply[0]), "back");
  assert.deepEqual(reply[1], big);
});

Deno.test("CURVE: thousands of messages of mixed sizes arrive intact and in order", async () => {
  const { serverOptions, clientOptions } = curvePair();
  using pull = new Pull(serverOptions);
  await pull.bind(ANY);
  using push = new Push(clientOptions);
  push.connect(pull.lastEndpoint!);
  const count = 3000;
  const sizeOf = (i: number) => (i * 7919) % 5000;
  const sending = (async () => {
    for (let i = 0; i < count; i++) await push.send(["#" + i, pattern(sizeOf(i), i)]);
  })();
  for (let i = 0; i < count; i++) {
    const [label, body] = await within(10_000, pull.receive());
    assert.equal(new TextDecoder().decode(label), "#" + i);
    assert.deepEqual(body, pattern(sizeOf(i), i));
  }
  await sending;
});

Deno.test("CURVE: messages the server queued before the handshake arrive right behind READY", async () => {
  const { serverOptions, clientOptions } = curvePair();
  using a = new Pair(serverOptions);
  await a.bind(ANY);
  using b = new Pair(clientOptions);
  b.connect(a.lastEndpoint!);
  // The server's first message goes out in the same write as READY.
  const sent = a.send("first");
  assert.deepEqual(texts(await within(5000, b.receive())), ["first"]);
  await sent;
});

Deno.test("CURVE: a server without authenticate accepts any client; no User-Id", async () => {
  const { serverOptions, clientOptions } = curvePair();
  using pull = new Pull(serverOptions);
  await pull.bind(ANY);
  using push = new Push(clientOptions);
  push.connect(pull.lastEndpoint!);
  await push.send("stonehouse");
  const msg = await within(5000, pull.receive());
  assert.deepEqual(texts(msg), ["stonehouse"]);
  assert.equal(messageUserId(msg), undefined);
});

Deno.test("CURVE: authenticate sees the client's key; its User-Id is on the messages", async () => {
  const requests: ZapRequest[] = [];
  const { client, serverOptions, clientOptions } = curvePair({
    authenticate: (r) => {
      requests.push(r);
      return Promise.resolve({ statusCode: 200, userId: "client-1" });
    },
  });
  using pull = new Pull({ ...serverOptions, zapDomain: "relay" });
  await pull.bind(ANY);
  using push = new Push(clientOptions);
  push.connect(pull.lastEndpoint!);
  await push.send(["from", "client"]);
  const msg = await within(5000, pull.receive());
  assert.equal(messageUserId(msg), "client-1");
  assert.equal(requests.length, 1);
  assert.equal(requests[0].mechanism, "CURVE");
  assert.equal(requests[0].domain, "relay");
  assert.equal(requests[0].publicKey, client.publicKey);
  assert.match(requests[0].address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
});

Deno.test("CURVE: a denied key is refused with auth events and nothing arrives", async () => {
  const allowed = curveKeyPair().publicKey;
  const { serverOptions, clientOptions } = curvePair({
    authenticate: (r) => r.publicKey === allowed,
  });
  using pull = new Pull(serverOptions);
  const serverEvents = new EventLog(pull);
  await pull.bind(ANY);
  using push = new Push({ ...clientOptions, linger: 0 });
  const clientEvents = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  await serverEvents.waitFor("handshake:error:auth");
  const told = await clientEvents.waitFor("handshake:error:auth");
  assert.match(told.error!.message, /CURVE peer refused the connection: 400/);
  await assertNothingArrives(pull);
});

Deno.test("CURVE: a client with the wrong server key is refused and nothing arrives", async () => {
  const { serverOptions, clientOptions } = curvePair({ authenticate: () => true });
  using pull = new Pull(serverOptions);
  const serverEvents = new EventLog(pull);
  await pull.bind(ANY);
  using push = new Push({
    ...clientOptions,
    curveServerKey: curveKeyPair().publicKey,
    linger: 0,
  });
  const clientEvents = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  const failed = await serverEvents.waitFor("handshake:error:protocol");
  assert.match(failed.error!.message, /wrong server key/);
  await clientEvents.waitFor("handshake:error:other");
  await assertNothingArrives(pull);
});

Deno.test("CURVE: a 300 reply closes without ERROR, so the client sees the connection drop", async () => {
  const { serverOptions, clientOptions } = curvePair({
    authenticate: () => ({ statusCode: 300, statusText: "busy" }),
  });
  using pull = new Pull(serverOptions);
  const serverEvents = new EventLog(pull);
  await pull.bind(ANY);
  using push = new Push({ ...clientOptions, linger: 0 });
  const clientEvents = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  const refused = await serverEvents.waitFor("handshake:error:auth");
  assert.match(refused.error!.message, /300 busy/);
  await clientEvents.waitFor("handshake:error:other");
  assert.equal(clientEvents.has("handshake:error:auth"), false);
});

Deno.test("CURVE: heartbeats travel boxed and keep the connection up", async () => {
  const { serverOptions, clientOptions } = curvePair();
  using a = new Pair({ ...serverOptions, heartbeatInterval: 20, heartbeatTimeout: 200 });
  const serverEvents = new EventLog(a);
  await a.bind(ANY);
  using b = new Pair({ ...clientOptions, heartbeatInterval: 20, heartbeatTimeout: 200 });
  const clientEvents = new EventLog(b);
  b.connect(a.lastEndpoint!);
  await serverEvents.waitFor("handshake");
  await delay(500);
  await b.send("still here");
  assert.deepEqual(texts(await within(5000, a.receive())), ["still here"]);
  assert.equal(serverEvents.has("disconnect"), false);
  assert.equal(clientEvents.has("disconnect"), false);
});

Deno.test("CURVE: keys may be given as 32 bytes", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  using pull = new Pull({ curveServer: true, curveSecretKey: z85Decode(server.secretKey) });
  await pull.bind(ANY);
  using push = new Push({
    curveServerKey: z85Decode(server.publicKey),
    curvePublicKey: z85Decode(client.publicKey),
    curveSecretKey: z85Decode(client.secretKey),
  });
  push.connect(pull.lastEndpoint!);
  await push.send("bytes");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["bytes"]);
});

Deno.test("CURVE: subscriptions travel boxed from SUB to PUB", async () => {
  const { serverOptions, clientOptions } = curvePair();
  using pub = new Publisher(serverOptions);
  await pub.bind(ANY);
  using sub = new Subscriber(clientOptions);
  sub.subscribe("weather");
  sub.connect(pub.lastEndpoint!);
  await eventually(() => pub.topicCount === 1, 5000, "SUBSCRIBE at the PUB");
  await pub.send(["sport", "no"]);
  await pub.send(["weather", "sunny"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["weather", "sunny"]);
});

Deno.test("CURVE: REQ/REP round trip", async () => {
  const { serverOptions, clientOptions } = curvePair();
  using rep = new Reply(serverOptions);
  await rep.bind(ANY);
  using req = new Request(clientOptions);
  req.connect(rep.lastEndpoint!);
  await req.send("ping");
  assert.deepEqual(texts(await within(5000, rep.receive())), ["ping"]);
  await rep.send("pong");
  assert.deepEqual(texts(await within(5000, req.receive())), ["pong"]);
});

Deno.test("PLAIN: a ROUTER's messages keep the User-Id behind the routing id", async () => {
  using router = new Router({ plainServer: true, authenticate: () => true });
  await router.bind(ANY);
  using dealer = new Dealer({ plainUsername: "carol", plainPassword: "x", routingId: "d1" });
  dealer.connect(router.lastEndpoint!);
  await dealer.send(["job", "42"]);
  const msg = await within(5000, router.receive());
  assert.deepEqual(texts(msg), ["d1", "job", "42"]);
  assert.equal(messageUserId(msg), "carol");
});

Deno.test("an authenticate slower than handshakeInterval fails the handshake; its late yes is ignored", async () => {
  let answered!: () => void;
  const done = new Promise<void>((resolve) => answered = resolve);
  const { serverOptions, clientOptions } = curvePair({
    authenticate: async () => {
      await delay(300);
      answered();
      return true;
    },
  });
  using pull = new Pull({ ...serverOptions, handshakeInterval: 100 });
  const serverEvents = new EventLog(pull);
  await pull.bind(ANY);
  using push = new Push({ ...clientOptions, linger: 0, reconnectInterval: 10_000 });
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  const failed = await serverEvents.waitFor("handshake:error:other");
  assert.match(failed.error!.message, /timed out/);
  await within(5000, done);
  await assertNothingArrives(pull);
  assert.equal(serverEvents.has("handshake"), false);
});

// ---- NULL and options ----------------------------------------------------------

Deno.test("NULL with a zapDomain: authenticate decides by address", async () => {
  const addresses: string[] = [];
  using pull = new Pull({
    zapDomain: "lan",
    authenticate: (r) => {
      addresses.push(r.address);
      return r.mechanism === "NULL" && r.address.startsWith("tcp://127.0.0.1:");
    },
  });
  await pull.bind(ANY);
  using push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send("local");
  const msg = await within(5000, pull.receive());
  assert.deepEqual(texts(msg), ["local"]);
  assert.equal(addresses.length, 1);
  assert.equal(messageUserId(msg), undefined);
});

Deno.test("NULL with a zapDomain: a denied peer gets ERROR and an auth event", async () => {
  using pull = new Pull({ zapDomain: "lan", authenticate: () => false });
  await pull.bind(ANY);
  using push = new Push({ linger: 0 });
  const clientEvents = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  await clientEvents.waitFor("handshake:error:auth");
  await assertNothingArrives(pull);
});

Deno.test("NULL sockets attach no User-Id to messages", async () => {
  using pull = new Pull();
  await pull.bind(ANY);
  using push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send("anonymous");
  assert.equal(messageUserId(await within(5000, pull.receive())), undefined);
});

Deno.test("connect and bind refuse unusable security options with EINVAL", async () => {
  using push = new Push({ curveServerKey: curveKeyPair().publicKey });
  assert.throws(() => push.connect("tcp://127.0.0.1:5999"), (err: unknown) => {
    assert.ok(err instanceof ZmqError);
    assert.equal(err.code, "EINVAL");
    return true;
  });
  using pull = new Pull({ curveServer: true, curveSecretKey: "not a key" });
  await assert.rejects(() => pull.bind(ANY), { code: "EINVAL" });
});
