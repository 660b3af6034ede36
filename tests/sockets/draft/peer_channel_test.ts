import assert from "node:assert/strict";
import { Channel, messageRoutingId, Peer, type ZmqError } from "../../../mod.ts";
import { texts, within } from "../../helpers.ts";
import { TRANSPORTS } from "../../transports/cases.ts";

const transports = TRANSPORTS.filter((t) => ["tcp", "ipc", "ws", "inproc"].includes(t.name));

for (const transport of transports) {
  Deno.test(`Peer over ${transport.name}: connectPeer's id addresses the peer at once`, async () => {
    const a = new Peer();
    const b = new Peer();
    await a.bind(transport.bindEndpoint());
    try {
      await within(
        5000,
        (async () => {
          const toA = b.connectPeer(transport.connectEndpoint(a.lastEndpoint!));
          assert.equal(typeof toA, "number");
          await b.send("hello", { routingId: toA });
          const msg = await a.receive();
          assert.deepEqual(texts(msg), ["hello"]);
          await a.send("hello back", { routingId: messageRoutingId(msg)! });
          const reply = await b.receive();
          assert.deepEqual(texts(reply), ["hello back"]);
          assert.equal(messageRoutingId(reply), toA);
        })(),
      );
    } finally {
      a.close();
      b.close();
    }
  });

  Deno.test(`Channel over ${transport.name}: single frames both ways`, async () => {
    const a = new Channel();
    const b = new Channel();
    await a.bind(transport.bindEndpoint());
    b.connect(transport.connectEndpoint(a.lastEndpoint!));
    try {
      await within(
        5000,
        (async () => {
          await b.send("ping");
          assert.deepEqual(texts(await a.receive()), ["ping"]);
          await a.send("pong");
          assert.deepEqual(texts(await b.receive()), ["pong"]);
        })(),
      );
    } finally {
      a.close();
      b.close();
    }
  });
}

Deno.test("Peer: connect(endpoint, { routingId }) gives the peer that id", async () => {
  const a = new Peer();
  const b = new Peer();
  await a.bind("inproc://peer-chosen-id");
  b.connect("inproc://peer-chosen-id", { routingId: 77 });
  await b.send("to 77", { routingId: 77 });
  assert.deepEqual(texts(await a.receive()), ["to 77"]);
  assert.throws(
    () => b.connect("inproc://peer-chosen-id", { routingId: 77 }),
    (err: ZmqError) => err.code === "EINVAL",
  );
  a.close();
  b.close();
});

Deno.test("Peer: connectPeer refuses the immediate option; multipart is EINVAL", async () => {
  const p = new Peer({ immediate: true });
  assert.throws(() => p.connectPeer("inproc://nobody"), (err: ZmqError) => err.code === "EINVAL");
  await assert.rejects(
    p.send(["a", "b"], { routingId: 1 }),
    (err: ZmqError) => err.code === "EINVAL",
  );
  p.close();
});

Deno.test("Channel: a second peer is refused; multipart is EINVAL", async () => {
  const a = new Channel();
  await a.bind("inproc://channel-excl");
  const b = new Channel();
  const c = new Channel();
  b.connect("inproc://channel-excl");
  c.connect("inproc://channel-excl");
  await b.send("from b");
  assert.deepEqual(texts(await a.receive()), ["from b"]);
  await assert.rejects(
    c.send("from c", { signal: AbortSignal.timeout(100) }),
  );
  await assert.rejects(a.send(["x", "y"]), (err: ZmqError) => err.code === "EINVAL");
  a.close();
  b.close();
  c.close();
});
