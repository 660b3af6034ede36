/** messageProperty (libzmq's zmq_msg_gets) and the metadata option (ZMQ_METADATA). */

import assert from "node:assert/strict";
import {
  curveKeyPair,
  Dealer,
  messageProperty,
  messageUserId,
  Pull,
  Push,
  Router,
  Stream,
  ZmqError,
} from "../../mod.ts";
import { pattern, within } from "../helpers.ts";
import { hasIpv6Loopback, ipcDir } from "../transports/cases.ts";

const isEinval = (err: unknown) => err instanceof ZmqError && err.code === "EINVAL";

Deno.test("a message tells its peer's Socket-Type, Identity, metadata and Peer-Address", async () => {
  using router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  using dealer = new Dealer({ routingId: "abc", metadata: { "X-Region": "eu-west" } });
  dealer.connect(router.lastEndpoint!);
  await dealer.send("hello");
  const msg = await within(5000, router.receive());
  assert.equal(messageProperty(msg, "Socket-Type"), "DEALER");
  assert.equal(messageProperty(msg, "Identity"), "abc");
  assert.equal(messageProperty(msg, "X-Region"), "eu-west");
  assert.equal(messageProperty(msg, "Peer-Address"), "127.0.0.1");
  // Names compare case-insensitively; the last frame alone is enough.
  assert.equal(messageProperty(msg[msg.length - 1], "socket-type"), "DEALER");
});

Deno.test("a property the peer did not send is undefined (Routing-Id, User-Id, unknown X- names)", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  using push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send("x");
  const msg = await within(5000, pull.receive());
  assert.equal(messageProperty(msg, "Socket-Type"), "PUSH");
  for (const name of ["Routing-Id", "Identity", "User-Id", "X-Region"]) {
    assert.equal(messageProperty(msg, name), undefined, name);
  }
});

Deno.test("every message of a burst, large and multipart ones too, carries its properties", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  using push = new Push({ metadata: { "X-Batch": "yes" } });
  push.connect(pull.lastEndpoint!);
  const sizes = [1, 64, 200_000, 0, 3];
  for (let i = 0; i < 2000; i++) {
    const size = sizes[i % sizes.length];
    await push.send(i % 7 === 0 ? [pattern(size), "tail"] : [pattern(size)]);
  }
  for (let i = 0; i < 2000; i++) {
    const msg = await within(5000, pull.receive());
    assert.equal(messageProperty(msg, "X-Batch"), "yes", `message ${i}`);
  }
});

Deno.test("messages from two peers report their own peer", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  using first = new Push({ metadata: { "X-Name": "first" } });
  using second = new Push({ metadata: { "X-Name": "second" } });
  first.connect(pull.lastEndpoint!);
  second.connect(pull.lastEndpoint!);
  for (let i = 0; i < 50; i++) {
    await first.send("from first");
    await second.send("from second");
  }
  for (let i = 0; i < 100; i++) {
    const msg = await within(5000, pull.receive());
    const sender = new TextDecoder().decode(msg[0]).slice("from ".length);
    assert.equal(messageProperty(msg, "X-Name"), sender);
  }
});

Deno.test("authenticate's User-Id and ZapReply.metadata become properties (PLAIN)", async () => {
  using pull = new Pull({
    plainServer: true,
    zapDomain: "global",
    authenticate: (r) =>
      r.password === "secret"
        ? { statusCode: 200, userId: "alice-id", metadata: { "X-Role": "admin", Tier: "gold" } }
        : false,
  });
  await pull.bind("tcp://127.0.0.1:*");
  using push = new Push({ plainUsername: "alice", plainPassword: "secret" });
  push.connect(pull.lastEndpoint!);
  await push.send("hi");
  const msg = await within(5000, pull.receive());
  assert.equal(messageProperty(msg, "User-Id"), "alice-id");
  assert.equal(messageUserId(msg), "alice-id");
  assert.equal(messageProperty(msg, "X-Role"), "admin");
  assert.equal(messageProperty(msg, "Tier"), "gold");
  assert.equal(messageProperty(msg, "Socket-Type"), "PUSH");
});

Deno.test("CURVE connections carry properties too (frames decrypted into fresh storage)", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  using pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey });
  await pull.bind("tcp://127.0.0.1:*");
  using push = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    metadata: { "X-Secret": "boxed" },
  });
  push.connect(pull.lastEndpoint!);
  for (let i = 0; i < 10; i++) await push.send(["a", "b"]);
  for (let i = 0; i < 10; i++) {
    const msg = await within(5000, pull.receive());
    assert.equal(messageProperty(msg, "X-Secret"), "boxed");
    // No authenticate: no ZAP, so no User-Id (as libzmq without a handler).
    assert.equal(messageProperty(msg, "User-Id"), undefined);
  }
});

Deno.test("inproc messages have no properties, as in libzmq", async () => {
  using pull = new Pull();
  await pull.bind("inproc://props");
  using push = new Push({ metadata: { "X-Any": "thing" } });
  push.connect("inproc://props");
  await push.send("x");
  const msg = await pull.receive();
  assert.equal(messageProperty(msg, "Socket-Type"), undefined);
  assert.equal(messageProperty(msg, "X-Any"), undefined);
});

Deno.test("ipc messages have Socket-Type but no Peer-Address (no IP)", async () => {
  using pull = new Pull();
  await pull.bind(`ipc://${ipcDir()}/props.sock`);
  using push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send("x");
  const msg = await within(5000, pull.receive());
  assert.equal(messageProperty(msg, "Socket-Type"), "PUSH");
  assert.equal(messageProperty(msg, "Peer-Address"), undefined);
});

Deno.test({
  name: `Peer-Address of an IPv6 peer is the address alone${
    hasIpv6Loopback ? "" : " (skipped: no IPv6 loopback)"
  }`,
  ignore: !hasIpv6Loopback,
  fn: async () => {
    using pull = new Pull();
    await pull.bind("tcp://[::1]:*");
    using push = new Push();
    push.connect(pull.lastEndpoint!);
    await push.send("x");
    assert.equal(messageProperty(await within(5000, pull.receive()), "Peer-Address"), "::1");
  },
});

Deno.test("metadata names must start with X- and values be non-empty strings (EINVAL)", () => {
  const bads: Record<string, string>[] = [{ Region: "eu" }, { "X-": "v" }, { "x-lower": "v" }, {
    "X-Empty": "",
  }];
  for (const bad of bads) {
    assert.throws(() => new Push({ metadata: bad }), isEinval, JSON.stringify(bad));
  }
  using push = new Push();
  assert.throws(() => (push.metadata = { "X-Number": 5 as unknown as string }), isEinval);
  push.metadata = { "X-Ok": "a:b" };
  assert.deepEqual(push.metadata, { "X-Ok": "a:b" });
});

Deno.test("STREAM messages carry the peer's Peer-Address, as libzmq's do", async () => {
  using stream = new Stream();
  await stream.bind("tcp://127.0.0.1:*");
  const port = Number(stream.lastEndpoint!.slice(stream.lastEndpoint!.lastIndexOf(":") + 1));
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const connected = await within(5000, stream.receive());
    assert.equal(messageProperty(connected, "Peer-Address"), "127.0.0.1");
    await conn.write(new TextEncoder().encode("raw bytes"));
    const data = await within(5000, stream.receive());
    assert.equal(messageProperty(data, "Peer-Address"), "127.0.0.1");
    assert.equal(messageProperty(data, "Socket-Type"), undefined);
  } finally {
    conn.close();
  }
});
