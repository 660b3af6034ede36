/** tcp through a SOCKS5 proxy (socksProxy, socksUsername, socksPassword), against microsocks. */

import assert from "node:assert/strict";
import { Pull, Push, type SocketEvent, ZmqError } from "../../mod.ts";
import { eventually, texts, within } from "../helpers.ts";
import { freePort, microsocksNote, microsocksPath, startMicrosocks } from "./microsocks.ts";

const ignore = microsocksPath === null;
const isEinval = (err: unknown) => err instanceof ZmqError && err.code === "EINVAL";

/** Rejects unless `pull` stays empty for `ms`. */
async function assertNothingArrives(pull: Pull, ms = 300) {
  pull.receiveTimeout = ms;
  await assert.rejects(pull.receive(), (err: ZmqError) => err.code === "EAGAIN");
  pull.receiveTimeout = -1;
}

/** Records a socket's monitor events. */
function record(socket: Push): SocketEvent[] {
  const events: SocketEvent[] = [];
  (async () => {
    for await (const event of socket.events) events.push(event);
  })();
  return events;
}

Deno.test({
  name: `socksProxy: tcp connects go through the proxy, and wait for it${microsocksNote}`,
  ignore,
  fn: async () => {
    using pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    const proxyPort = freePort();
    using push = new Push({ socksProxy: `127.0.0.1:${proxyPort}`, reconnectInterval: 50 });
    push.connect(pull.lastEndpoint!);
    await push.send("via the proxy");
    // The peer is reachable directly, the proxy is not up yet: nothing may arrive.
    await assertNothingArrives(pull);
    await using _proxy = await startMicrosocks({ port: proxyPort });
    assert.deepEqual(texts(await within(5000, pull.receive())), ["via the proxy"]);
  },
});

Deno.test({
  name: `socksProxy: the connection comes from the proxy, not from us${microsocksNote}`,
  ignore,
  fn: async () => {
    await using proxy = await startMicrosocks();
    using pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    const accepted: SocketEvent[] = [];
    (async () => {
      for await (const event of pull.events) if (event.type === "accept") accepted.push(event);
    })();
    using push = new Push({ socksProxy: proxy.address });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await push.send("hello");
    await within(5000, pull.receive());
    // Our side of the tcp connection ends at the proxy's port.
    const connected = events.find((e) => e.type === "connect");
    assert.equal(connected?.peer, `tcp://${proxy.address}`);
    assert.equal(accepted.length, 1);
  },
});

Deno.test({
  name: `socksUsername/socksPassword: the proxy lets in the right user only${microsocksNote}`,
  ignore,
  fn: async () => {
    await using proxy = await startMicrosocks({ username: "alice", password: "s3cret" });
    using pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    const endpoint = pull.lastEndpoint!;
    // linger 0: their messages can never be delivered.
    using anonymous = new Push({ socksProxy: proxy.address, reconnectInterval: 50, linger: 0 });
    using wrong = new Push({
      linger: 0,
      socksProxy: proxy.address,
      socksUsername: "alice",
      socksPassword: "guess",
      reconnectInterval: 50,
    });
    const wrongEvents = record(wrong);
    anonymous.connect(endpoint);
    wrong.connect(endpoint);
    await anonymous.send("anonymous");
    await wrong.send("wrong password");
    await assertNothingArrives(pull);
    const refusal = wrongEvents.find((e) => e.type === "connect:delay");
    assert.match(String(refusal?.error?.message), /refused the user name and password/);
    using right = new Push({
      socksProxy: proxy.address,
      socksUsername: "alice",
      socksPassword: "s3cret",
    });
    right.connect(endpoint);
    await right.send("right password");
    assert.deepEqual(texts(await within(5000, pull.receive())), ["right password"]);
    await assertNothingArrives(pull);
  },
});

Deno.test({
  name: `socksProxy: a lost proxy connection is re-made through the proxy${microsocksNote}`,
  ignore,
  fn: async () => {
    using pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    const first = await startMicrosocks();
    using push = new Push({ socksProxy: first.address, reconnectInterval: 50 });
    const events = record(push);
    push.connect(pull.lastEndpoint!);
    await push.send("before");
    assert.deepEqual(texts(await within(5000, pull.receive())), ["before"]);
    await first.stop();
    await eventually(() => events.some((e) => e.type === "disconnect"), 5000, "disconnect");
    await push.send("after");
    await assertNothingArrives(pull);
    await using _second = await startMicrosocks({ port: first.port });
    assert.deepEqual(texts(await within(5000, pull.receive())), ["after"]);
    assert.equal(events.filter((e) => e.type === "connect").length, 2);
  },
});

Deno.test("socks options are checked at connect: host:port, credentials of at most 255 bytes", () => {
  using push = new Push({ socksProxy: "no-port" });
  assert.throws(() => push.connect("tcp://127.0.0.1:5555"), isEinval);
  push.socksProxy = "127.0.0.1:1080";
  push.socksUsername = "u".repeat(256);
  assert.throws(() => push.connect("tcp://127.0.0.1:5555"), isEinval);
  push.socksUsername = "u".repeat(255);
  push.socksPassword = "p".repeat(256);
  assert.throws(() => push.connect("tcp://127.0.0.1:5555"), isEinval);
});

Deno.test("socksProxy does not apply to inproc", async () => {
  using pull = new Pull();
  await pull.bind("inproc://socks-not-used");
  using push = new Push({ socksProxy: "127.0.0.1:1" });
  push.connect("inproc://socks-not-used");
  await push.send("direct");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["direct"]);
});
