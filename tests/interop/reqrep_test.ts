// Request-reply against libzmq 4.3.5 (zeromq.js 6.8.0 in a Node subprocess):
// every pairing, with our library on each side, multipart bodies and envelopes.
import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router } from "../../mod.ts";
import { LibzmqPeer, PeerError, type PeerSocket } from "./libzmq.ts";
import { delay, texts, within } from "../helpers.ts";

const TCP = "tcp://127.0.0.1:*";

/** Sends from a libzmq ROUTER with `mandatory` once the peer's handshake made its id known. */
async function peerSendWhenRoutable(router: PeerSocket, frames: string[]): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await router.send(frames);
      return;
    } catch (err) {
      if (!(err instanceof PeerError) || err.code !== "EHOSTUNREACH" || Date.now() > deadline) {
        throw err;
      }
      await delay(10);
    }
  }
}

// ---- REQ-REP ----

Deno.test("interop REQ-REP: our REQ asks a libzmq REP", async () => {
  await using peer = await LibzmqPeer.start();
  const rep = await peer.socket("Reply");
  const endpoint = await rep.bind(TCP);
  const req = new Request();
  req.connect(endpoint);
  await req.send(["question", "", "with an empty frame"]);
  assert.deepEqual(texts(await rep.receive()), ["question", "", "with an empty frame"]);
  await rep.send(["answer", "in two parts"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["answer", "in two parts"]);
  await req.send("again");
  assert.deepEqual(texts(await rep.receive()), ["again"]);
  await rep.send("and again");
  assert.deepEqual(texts(await within(5000, req.receive())), ["and again"]);
  req.close();
});

Deno.test("interop REQ-REP: a libzmq REQ asks our REP", async () => {
  await using peer = await LibzmqPeer.start();
  const rep = new Reply();
  await rep.bind(TCP);
  const req = await peer.socket("Request");
  await req.connect(rep.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    await req.send([`question ${i}`, "", "tail"]);
    assert.deepEqual(texts(await within(5000, rep.receive())), [`question ${i}`, "", "tail"]);
    await rep.send(["answer", `${i}`]);
    assert.deepEqual(texts(await req.receive()), ["answer", `${i}`]);
  }
  rep.close();
});

Deno.test("interop REQ-REP: a libzmq REP connects to our bound REQ", async () => {
  await using peer = await LibzmqPeer.start();
  const req = new Request();
  await req.bind(TCP);
  const rep = await peer.socket("Reply");
  await rep.connect(req.lastEndpoint!);
  await req.send(["reversed", "roles"]);
  assert.deepEqual(texts(await rep.receive()), ["reversed", "roles"]);
  await rep.send("fine");
  assert.deepEqual(texts(await within(5000, req.receive())), ["fine"]);
  req.close();
});

Deno.test("interop REQ-REP: our correlating REQ and a libzmq REP", async () => {
  await using peer = await LibzmqPeer.start();
  const rep = await peer.socket("Reply");
  const endpoint = await rep.bind(TCP);
  const req = new Request({ correlate: true, relaxed: true });
  req.connect(endpoint);
  await req.send("first");
  assert.deepEqual(texts(await rep.receive()), ["first"]);
  await rep.send("reply to first");
  assert.deepEqual(texts(await within(5000, req.receive())), ["reply to first"]);
  req.close();
});

Deno.test("interop REQ-REP: a correlating libzmq REQ and our REP", async () => {
  await using peer = await LibzmqPeer.start();
  const rep = new Reply();
  await rep.bind(TCP);
  const req = await peer.socket("Request", { correlate: true, relaxed: true });
  await req.connect(rep.lastEndpoint!);
  await req.send("abandoned");
  await req.send("current");
  // Our REP answers both in order; libzmq keeps only the reply with the current id.
  for (let i = 0; i < 2; i++) {
    const [request] = await within(5000, rep.receive());
    await rep.send(["reply to", request]);
  }
  assert.deepEqual(texts(await receiveSkippingDroppedReply(req)), ["reply to", "current"]);
  rep.close();
});

/**
 * zeromq.js's `receive` on a correlating REQ rejects with EAGAIN when libzmq
 * woke it for a reply it then dropped (the abandoned request's) and the
 * current reply has not arrived yet, as happens when the two replies come
 * in separate writes; a second `receive` waits for it.
 */
async function receiveSkippingDroppedReply(req: PeerSocket): Promise<Uint8Array[]> {
  for (let attempt = 0;; attempt++) {
    try {
      return await req.receive();
    } catch (err) {
      if (attempt >= 3 || !(err instanceof PeerError) || err.code !== "EAGAIN") throw err;
    }
  }
}

// ---- REQ-ROUTER ----

Deno.test("interop REQ-ROUTER: our REQ asks a libzmq ROUTER", async () => {
  await using peer = await LibzmqPeer.start();
  const router = await peer.socket("Router");
  const endpoint = await router.bind(TCP);
  const req = new Request({ routingId: "our-req" });
  req.connect(endpoint);
  await req.send(["a", "b"]);
  const [id, empty, a, b] = await router.receive();
  assert.deepEqual(texts([id, empty, a, b]), ["our-req", "", "a", "b"]);
  await router.send(["our-req", "", "reply", "parts"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["reply", "parts"]);
  req.close();
});

Deno.test("interop REQ-ROUTER: a libzmq REQ asks our ROUTER", async () => {
  await using peer = await LibzmqPeer.start();
  const router = new Router();
  await router.bind(TCP);
  const req = await peer.socket("Request", { routingId: "their-req" });
  await req.connect(router.lastEndpoint!);
  await req.send(["a", "", "b"]);
  const msg = await within(5000, router.receive());
  assert.deepEqual(texts(msg), ["their-req", "", "a", "", "b"]);
  await router.send([msg[0], msg[1], "reply"]);
  assert.deepEqual(texts(await req.receive()), ["reply"]);
  router.close();
});

// ---- DEALER-REP ----

Deno.test("interop DEALER-REP: our DEALER sends a multi-hop envelope to a libzmq REP", async () => {
  await using peer = await LibzmqPeer.start();
  const rep = await peer.socket("Reply");
  const endpoint = await rep.bind(TCP);
  const dealer = new Dealer();
  dealer.connect(endpoint);
  await dealer.send(["hop1", "hop2", "", "body", "more"]);
  assert.deepEqual(texts(await rep.receive()), ["body", "more"]);
  await rep.send("answer");
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["hop1", "hop2", "", "answer"]);
  dealer.close();
});

Deno.test("interop DEALER-REP: a libzmq DEALER sends a multi-hop envelope to our REP", async () => {
  await using peer = await LibzmqPeer.start();
  const rep = new Reply();
  await rep.bind(TCP);
  const dealer = await peer.socket("Dealer");
  await dealer.connect(rep.lastEndpoint!);
  await dealer.send(["hop1", "hop2", "", "body", "more"]);
  assert.deepEqual(texts(await within(5000, rep.receive())), ["body", "more"]);
  await rep.send(["answer", "parts"]);
  assert.deepEqual(texts(await dealer.receive()), ["hop1", "hop2", "", "answer", "parts"]);
  rep.close();
});

// ---- DEALER-ROUTER ----

Deno.test("interop DEALER-ROUTER: our DEALER and a libzmq ROUTER that generates its id", async () => {
  await using peer = await LibzmqPeer.start();
  const router = await peer.socket("Router");
  const endpoint = await router.bind(TCP);
  const dealer = new Dealer();
  dealer.connect(endpoint);
  await dealer.send(["", "x", "y"]);
  const [id, ...rest] = await router.receive();
  assert.equal(id.length, 5);
  assert.equal(id[0], 0);
  assert.deepEqual(texts(rest), ["", "x", "y"]);
  await router.send([id, "", "back"]);
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["", "back"]);
  dealer.close();
});

Deno.test("interop DEALER-ROUTER: a libzmq DEALER with a routing id and our ROUTER", async () => {
  await using peer = await LibzmqPeer.start();
  const router = new Router();
  await router.bind(TCP);
  const dealer = await peer.socket("Dealer", { routingId: "their-dealer" });
  await dealer.connect(router.lastEndpoint!);
  await dealer.send(["one", "", "two"]);
  assert.deepEqual(texts(await within(5000, router.receive())), ["their-dealer", "one", "", "two"]);
  await router.send(["their-dealer", "three", "four"]);
  assert.deepEqual(texts(await dealer.receive()), ["three", "four"]);
  router.close();
});

Deno.test("interop DEALER-ROUTER: our ROUTER generates a 5-byte id for an anonymous libzmq DEALER", async () => {
  await using peer = await LibzmqPeer.start();
  const router = new Router();
  await router.bind(TCP);
  const dealer = await peer.socket("Dealer", { probeRouter: true });
  await dealer.connect(router.lastEndpoint!);
  const [id, probe] = await within(5000, router.receive());
  assert.equal(id.length, 5);
  assert.equal(id[0], 0);
  assert.equal(probe.length, 0);
  await router.send([id, "hello anonymous"]);
  assert.deepEqual(texts(await dealer.receive()), ["hello anonymous"]);
  router.close();
});

// ---- DEALER-DEALER ----

Deno.test("interop DEALER-DEALER: our DEALER connects to a libzmq DEALER", async () => {
  await using peer = await LibzmqPeer.start();
  const theirs = await peer.socket("Dealer");
  const endpoint = await theirs.bind(TCP);
  const ours = new Dealer();
  ours.connect(endpoint);
  await ours.send(["ping", "", "1"]);
  assert.deepEqual(texts(await theirs.receive()), ["ping", "", "1"]);
  await theirs.send(["pong", "", "2"]);
  assert.deepEqual(texts(await within(5000, ours.receive())), ["pong", "", "2"]);
  ours.close();
});

Deno.test("interop DEALER-DEALER: a libzmq DEALER connects to our DEALER", async () => {
  await using peer = await LibzmqPeer.start();
  const ours = new Dealer();
  await ours.bind(TCP);
  const theirs = await peer.socket("Dealer");
  await theirs.connect(ours.lastEndpoint!);
  await theirs.send(["ping", "", "1"]);
  assert.deepEqual(texts(await within(5000, ours.receive())), ["ping", "", "1"]);
  await ours.send(["pong", "", "2"]);
  assert.deepEqual(texts(await theirs.receive()), ["pong", "", "2"]);
  ours.close();
});

// ---- ROUTER-ROUTER ----

Deno.test("interop ROUTER-ROUTER: our probing ROUTER connects to a libzmq ROUTER", async () => {
  await using peer = await LibzmqPeer.start();
  const theirs = await peer.socket("Router", { routingId: "theirs" });
  const endpoint = await theirs.bind(TCP);
  const ours = new Router({ routingId: "ours", probeRouter: true });
  ours.connect(endpoint);
  assert.deepEqual(texts(await theirs.receive()), ["ours", ""]);
  await theirs.send(["ours", "", "hello", "from libzmq"]);
  assert.deepEqual(texts(await within(5000, ours.receive())), [
    "theirs",
    "",
    "hello",
    "from libzmq",
  ]);
  await ours.send(["theirs", "", "hello", "back"]);
  assert.deepEqual(texts(await theirs.receive()), ["ours", "", "hello", "back"]);
  ours.close();
});

Deno.test("interop ROUTER-ROUTER: a libzmq ROUTER connects to ours and addresses it by id", async () => {
  await using peer = await LibzmqPeer.start();
  const ours = new Router({ routingId: "ours" });
  await ours.bind(TCP);
  const theirs = await peer.socket("Router", { routingId: "theirs", mandatory: true });
  await theirs.connect(ours.lastEndpoint!);
  await peerSendWhenRoutable(theirs, ["ours", "", "first", "contact"]);
  assert.deepEqual(texts(await within(5000, ours.receive())), ["theirs", "", "first", "contact"]);
  await ours.send(["theirs", "", "welcome"]);
  assert.deepEqual(texts(await theirs.receive()), ["ours", "", "welcome"]);
  ours.close();
});

// ---- brokers ----

Deno.test("interop: libzmq REQ and REP through our ROUTER/DEALER broker", async () => {
  await using peer = await LibzmqPeer.start();
  const frontend = new Router();
  const backend = new Dealer();
  await frontend.bind(TCP);
  await backend.bind(TCP);
  const forward = async (from: Router | Dealer, to: Router | Dealer) => {
    for await (const msg of from) await to.send(msg);
  };
  const running = [forward(frontend, backend), forward(backend, frontend)];
  const rep = await peer.socket("Reply");
  await rep.connect(backend.lastEndpoint!);
  const req = await peer.socket("Request");
  await req.connect(frontend.lastEndpoint!);
  await req.send(["through", "the broker"]);
  assert.deepEqual(texts(await rep.receive()), ["through", "the broker"]);
  await rep.send(["and", "back"]);
  assert.deepEqual(texts(await req.receive()), ["and", "back"]);
  frontend.close();
  backend.close();
  await Promise.all(running);
});

Deno.test("interop: our REQ and REP through a libzmq ROUTER/DEALER pair driven by the test", async () => {
  await using peer = await LibzmqPeer.start();
  const frontend = await peer.socket("Router");
  const backend = await peer.socket("Dealer");
  const front = await frontend.bind(TCP);
  const back = await backend.bind(TCP);
  const rep = new Reply();
  rep.connect(back);
  const req = new Request();
  req.connect(front);
  await req.send(["via", "libzmq"]);
  await backend.send(await frontend.receive());
  const request = await within(5000, rep.receive());
  assert.deepEqual(texts(request), ["via", "libzmq"]);
  await rep.send(["answered"]);
  await frontend.send(await backend.receive());
  assert.deepEqual(texts(await within(5000, req.receive())), ["answered"]);
  req.close();
  rep.close();
});
