import assert from "node:assert/strict";
import {
  curveKeyPair,
  messageUserId,
  Pair,
  Publisher,
  Pull,
  Push,
  Router,
  Subscriber,
  z85Decode,
  z85Encode,
} from "../../mod.ts";
import { x25519PublicKey } from "../../src/mechanism/crypto.ts";
import { EventLog } from "../event_log.ts";
import { delay, eventually, pattern, texts, within } from "../helpers.ts";
import { type LibzmqPeer, LibzmqPeer as Peer, type PeerSocket } from "./libzmq.ts";

const ANY = "tcp://127.0.0.1:*";

/** Polls the libzmq socket's recorded events until one of `type` shows up. */
async function peerEvent(socket: PeerSocket, type: string, ms = 5000): Promise<void> {
  const seen: string[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const event of await socket.events()) seen.push(event.type);
    if (seen.includes(type)) return;
    await delay(25);
  }
  throw new Error(`libzmq socket reported no ${type} within ${ms} ms (saw ${seen.join(", ")})`);
}

/** A libzmq receive that runs out: nothing was delivered. */
async function assertPeerGetsNothing(socket: PeerSocket): Promise<void> {
  await assert.rejects(() => socket.receive(300), { code: "EAGAIN" });
}

async function assertWeGetNothing(socket: Pull | Pair): Promise<void> {
  socket.receiveTimeout = 300;
  await assert.rejects(() => socket.receive(), { code: "EAGAIN" });
}

async function curveKeys(peer: LibzmqPeer) {
  return { libzmq: await peer.curveKeyPair(), ours: curveKeyPair() };
}

// ---- keys ----------------------------------------------------------------------

Deno.test("libzmq's Z85 key pairs decode to matching X25519 keys here", async () => {
  await using peer = await Peer.start();
  for (let i = 0; i < 3; i++) {
    const pair = await peer.curveKeyPair();
    const secret = z85Decode(pair.secretKey);
    assert.equal(z85Encode(x25519PublicKey(secret)), pair.publicKey);
    assert.equal(z85Encode(secret), pair.secretKey);
  }
});

// ---- PLAIN, libzmq as server ----------------------------------------------------

Deno.test("libzmq PLAIN server's ZAP handler accepts our client's credentials", async () => {
  await using peer = await Peer.start();
  await peer.zapHandler({ users: { admin: "secret" } });
  const pull = await peer.socket("Pull", { plainServer: true, zapDomain: "test" });
  const endpoint = await pull.bind(ANY);
  using push = new Push({ plainUsername: "admin", plainPassword: "secret" });
  push.connect(endpoint);
  await push.send(["plain", "hello"]);
  assert.deepEqual(texts(await pull.receive(5000)), ["plain", "hello"]);
  const [request] = await peer.zapRequests();
  assert.equal(request.mechanism, "PLAIN");
  assert.equal(request.domain, "test");
  assert.equal(request.username, "admin");
  assert.equal(request.password, "secret");
});

Deno.test("libzmq PLAIN server refuses our wrong password: we see an auth failure, nothing arrives", async () => {
  await using peer = await Peer.start();
  await peer.zapHandler({ users: { admin: "secret" } });
  const pull = await peer.socket("Pull", { plainServer: true });
  await pull.monitor();
  const endpoint = await pull.bind(ANY);
  using push = new Push({ plainUsername: "admin", plainPassword: "wrong", linger: 0 });
  const events = new EventLog(push);
  push.connect(endpoint);
  await push.send("must not arrive");
  const failure = await events.waitFor("handshake:error:auth");
  assert.match(failure.error!.message, /400/);
  await peerEvent(pull, "handshake:error:auth");
  await assertPeerGetsNothing(pull);
});

// ---- PLAIN, libzmq as client ----------------------------------------------------

Deno.test("our PLAIN server accepts a libzmq client and tags its messages with the User-Id", async () => {
  await using peer = await Peer.start();
  using pull = new Pull({
    plainServer: true,
    authenticate: (r) => r.username === "admin" && r.password === "secret",
  });
  await pull.bind(ANY);
  const push = await peer.socket("Push", { plainUsername: "admin", plainPassword: "secret" });
  await push.connect(pull.lastEndpoint!);
  await push.send(["from", "libzmq"]);
  const msg = await within(5000, pull.receive());
  assert.deepEqual(texts(msg), ["from", "libzmq"]);
  assert.equal(messageUserId(msg), "admin");
});

Deno.test("our PLAIN server refuses a libzmq client's wrong password; libzmq reports an auth failure", async () => {
  await using peer = await Peer.start();
  using pull = new Pull({ plainServer: true, authenticate: (r) => r.password === "secret" });
  const events = new EventLog(pull);
  await pull.bind(ANY);
  const push = await peer.socket("Push", {
    plainUsername: "admin",
    plainPassword: "wrong",
    linger: 0,
  });
  await push.monitor();
  await push.connect(pull.lastEndpoint!);
  // libzmq ends the session on the auth failure; if that comes first, the
  // send cannot be queued at all (under load it may): either way nothing arrives.
  await push.send("must not arrive", 2000).catch(() => {});
  await events.waitFor("handshake:error:auth");
  await peerEvent(push, "handshake:error:auth");
  await assertWeGetNothing(pull);
});

// ---- CURVE, both roles, no ZAP -------------------------------------------------

Deno.test("our CURVE client and a libzmq CURVE server exchange messages both ways", async () => {
  await using peer = await Peer.start();
  const { libzmq: server, ours: client } = await curveKeys(peer);
  const theirs = await peer.socket("Pair", { curveServer: true, curveSecretKey: server.secretKey });
  const endpoint = await theirs.bind(ANY);
  using pair = new Pair({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  pair.connect(endpoint);
  const big = pattern(100_000);
  await pair.send(["one", "", "three"]);
  await pair.send(big);
  assert.deepEqual(texts(await theirs.receive(5000)), ["one", "", "three"]);
  assert.deepEqual((await theirs.receive(5000))[0], big);
  await theirs.send(["back", big]);
  const reply = await within(5000, pair.receive());
  assert.equal(new TextDecoder().decode(reply[0]), "back");
  assert.deepEqual(reply[1], big);
});

Deno.test("a libzmq CURVE client and our CURVE server exchange messages both ways", async () => {
  await using peer = await Peer.start();
  const { libzmq: client, ours: server } = await curveKeys(peer);
  using pair = new Pair({ curveServer: true, curveSecretKey: server.secretKey });
  await pair.bind(ANY);
  const theirs = await peer.socket("Pair", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  await theirs.connect(pair.lastEndpoint!);
  const big = pattern(100_000, 7);
  await theirs.send(["one", "", "three"]);
  await theirs.send(big);
  assert.deepEqual(texts(await within(5000, pair.receive())), ["one", "", "three"]);
  assert.deepEqual((await within(5000, pair.receive()))[0], big);
  await pair.send(["back", big]);
  const reply = await theirs.receive(5000);
  assert.equal(new TextDecoder().decode(reply[0]), "back");
  assert.deepEqual(reply[1], big);
});

Deno.test("boxed heartbeats keep a CURVE connection with libzmq up", async () => {
  await using peer = await Peer.start();
  const { libzmq: client, ours: server } = await curveKeys(peer);
  using pair = new Pair({
    curveServer: true,
    curveSecretKey: server.secretKey,
    heartbeatInterval: 50,
    heartbeatTimeout: 300,
  });
  const events = new EventLog(pair);
  await pair.bind(ANY);
  const theirs = await peer.socket("Pair", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    heartbeatInterval: 50,
    heartbeatTimeout: 300,
  });
  await theirs.monitor();
  await theirs.connect(pair.lastEndpoint!);
  await events.waitFor("handshake");
  await delay(700);
  await theirs.send("still connected");
  assert.deepEqual(texts(await within(5000, pair.receive())), ["still connected"]);
  assert.equal(events.has("disconnect"), false);
  const theirEvents = (await theirs.events()).map((e) => e.type);
  assert.ok(!theirEvents.includes("disconnect"), theirEvents.join(", "));
});

// ---- CURVE, libzmq as server with ZAP -------------------------------------------

Deno.test("libzmq CURVE server's ZAP handler sees our client's key and accepts it", async () => {
  await using peer = await Peer.start();
  const { libzmq: server, ours: client } = await curveKeys(peer);
  await peer.zapHandler({ publicKeys: [client.publicKey] });
  const pull = await peer.socket("Pull", { curveServer: true, curveSecretKey: server.secretKey });
  const endpoint = await pull.bind(ANY);
  using push = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  push.connect(endpoint);
  await push.send("vouched");
  assert.deepEqual(texts(await pull.receive(5000)), ["vouched"]);
  const [request] = await peer.zapRequests();
  assert.equal(request.mechanism, "CURVE");
  assert.equal(request.publicKey, client.publicKey);
});

Deno.test("libzmq CURVE server's ZAP handler denies our key: we see an auth failure, nothing arrives", async () => {
  await using peer = await Peer.start();
  const { libzmq: server, ours: client } = await curveKeys(peer);
  await peer.zapHandler({ publicKeys: [curveKeyPair().publicKey] });
  const pull = await peer.socket("Pull", { curveServer: true, curveSecretKey: server.secretKey });
  await pull.monitor();
  const endpoint = await pull.bind(ANY);
  using push = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    linger: 0,
  });
  const events = new EventLog(push);
  push.connect(endpoint);
  await push.send("must not arrive");
  await events.waitFor("handshake:error:auth");
  await peerEvent(pull, "handshake:error:auth");
  await assertPeerGetsNothing(pull);
});

Deno.test("libzmq CURVE server refuses our client holding the wrong server key; nothing arrives", async () => {
  await using peer = await Peer.start();
  const { libzmq: server, ours: client } = await curveKeys(peer);
  const pull = await peer.socket("Pull", { curveServer: true, curveSecretKey: server.secretKey });
  await pull.monitor();
  const endpoint = await pull.bind(ANY);
  using push = new Push({
    curveServerKey: curveKeyPair().publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    linger: 0,
  });
  const events = new EventLog(push);
  push.connect(endpoint);
  await push.send("must not arrive");
  await peerEvent(pull, "handshake:error:protocol");
  await events.waitFor("handshake:error:other");
  await assertPeerGetsNothing(pull);
});

// ---- CURVE, our server with authenticate, libzmq as client -------------------------

Deno.test("our CURVE server's authenticate allows a libzmq client's key and tags its messages", async () => {
  await using peer = await Peer.start();
  const { libzmq: client, ours: server } = await curveKeys(peer);
  using pull = new Pull({
    curveServer: true,
    curveSecretKey: server.secretKey,
    authenticate: (r) => r.publicKey === client.publicKey,
  });
  await pull.bind(ANY);
  const push = await peer.socket("Push", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  await push.connect(pull.lastEndpoint!);
  await push.send("known key");
  const msg = await within(5000, pull.receive());
  assert.deepEqual(texts(msg), ["known key"]);
  assert.equal(messageUserId(msg), client.publicKey);
});

Deno.test("our CURVE server's authenticate denies a libzmq client's key; libzmq reports an auth failure", async () => {
  await using peer = await Peer.start();
  const { libzmq: client, ours: server } = await curveKeys(peer);
  using pull = new Pull({
    curveServer: true,
    curveSecretKey: server.secretKey,
    authenticate: () => ({ statusCode: 400, statusText: "unknown key" }),
  });
  const events = new EventLog(pull);
  await pull.bind(ANY);
  const push = await peer.socket("Push", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    linger: 0,
  });
  await push.monitor();
  await push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  const refused = await events.waitFor("handshake:error:auth");
  assert.match(refused.error!.message, /unknown key/);
  await peerEvent(push, "handshake:error:auth");
  await assertWeGetNothing(pull);
});

Deno.test("our CURVE server refuses a libzmq client holding the wrong server key; nothing arrives", async () => {
  await using peer = await Peer.start();
  const { libzmq: client, ours: server } = await curveKeys(peer);
  using pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey });
  const events = new EventLog(pull);
  await pull.bind(ANY);
  const push = await peer.socket("Push", {
    curveServerKey: curveKeyPair().publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    linger: 0,
  });
  await push.connect(pull.lastEndpoint!);
  await push.send("must not arrive");
  await events.waitFor("handshake:error:protocol");
  await assertWeGetNothing(pull);
});

// ---- other socket types over security ------------------------------------------

Deno.test("a libzmq SUB's boxed subscription reaches our CURVE PUB", async () => {
  await using peer = await Peer.start();
  const { libzmq: client, ours: server } = await curveKeys(peer);
  using pub = new Publisher({ curveServer: true, curveSecretKey: server.secretKey });
  await pub.bind(ANY);
  const sub = await peer.socket("Subscriber", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  await sub.call("subscribe", "A");
  await sub.connect(pub.lastEndpoint!);
  await eventually(() => pub.topicCount === 1, 5000, "libzmq's SUBSCRIBE at our PUB");
  await pub.send(["B", "not for you"]);
  await pub.send(["A", "boxed"]);
  assert.deepEqual(texts(await sub.receive(5000)), ["A", "boxed"]);
});

Deno.test("our boxed subscription reaches a libzmq CURVE XPUB", async () => {
  await using peer = await Peer.start();
  const { libzmq: server, ours: client } = await curveKeys(peer);
  const xpub = await peer.socket("XPublisher", {
    curveServer: true,
    curveSecretKey: server.secretKey,
  });
  const endpoint = await xpub.bind(ANY);
  const subscription = xpub.receive(5000);
  using sub = new Subscriber({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  sub.subscribe("topic");
  sub.connect(endpoint);
  assert.deepEqual(texts(await subscription), ["\x01topic"]);
});

Deno.test("a libzmq PLAIN DEALER's messages reach our ROUTER with its User-Id", async () => {
  await using peer = await Peer.start();
  using router = new Router({
    plainServer: true,
    authenticate: (r) => ({ statusCode: 200, userId: `user:${r.username}` }),
  });
  await router.bind(ANY);
  const dealer = await peer.socket("Dealer", {
    plainUsername: "dave",
    plainPassword: "pw",
    routingId: "D",
  });
  await dealer.connect(router.lastEndpoint!);
  await dealer.send(["work"]);
  const msg = await within(5000, router.receive());
  assert.deepEqual(texts(msg), ["D", "work"]);
  assert.equal(messageUserId(msg), "user:dave");
  await router.send(["D", "done"]);
  assert.deepEqual(texts(await dealer.receive(5000)), ["done"]);
});
