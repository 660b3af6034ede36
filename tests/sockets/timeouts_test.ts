// sendTimeout, receiveTimeout, handshakeInterval and immediate.
import assert from "node:assert/strict";
import { Pull, Push, ZmqError } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, texts, within } from "../helpers.ts";
import { greeting, RawClient } from "../raw_zmtp.ts";

const TCP = "tcp://127.0.0.1:*";

function isEagain(err: unknown): boolean {
  return err instanceof ZmqError && err.code === "EAGAIN";
}

/** A port nobody listens on (it was free a moment ago). */
function deadEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

Deno.test("sendTimeout: a send with nowhere to go rejects with EAGAIN after about that long", async () => {
  const push = new Push({ sendTimeout: 150, immediate: true });
  push.connect(deadEndpoint());
  const started = performance.now();
  await assert.rejects(within(5000, push.send("lost")), isEagain);
  assert.ok(performance.now() - started >= 140);
  push.close();
});

Deno.test("receiveTimeout: receive rejects with EAGAIN, and a later message is not lost", async () => {
  const pull = new Pull({ receiveTimeout: 100 });
  await pull.bind("inproc://receive-timeout");
  const push = new Push();
  push.connect("inproc://receive-timeout");
  const started = performance.now();
  await assert.rejects(within(5000, pull.receive()), isEagain);
  assert.ok(performance.now() - started >= 90);
  await push.send("late");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["late"]);
  push.close();
  pull.close();
});

Deno.test("handshakeInterval: a peer that connects and says nothing is dropped, and reported", async () => {
  const pull = new Pull({ handshakeInterval: 200 });
  const log = new EventLog(pull);
  await pull.bind(TCP);
  const silent = await RawClient.connect(pull.lastEndpoint!);
  const started = performance.now();
  await within(5000, silent.closedByPeer());
  assert.ok(performance.now() - started >= 150, "dropped before the interval");
  const failure = await log.waitFor("handshake:error:other");
  assert.equal(failure.address, pull.lastEndpoint);
  assert.match(String(failure.error), /timed out/);
  silent.close();
  pull.close();
});

Deno.test("handshakeInterval: a peer that stops in the middle of its greeting is dropped too", async () => {
  const pull = new Pull({ handshakeInterval: 200 });
  await pull.bind(TCP);
  const slow = await RawClient.connect(pull.lastEndpoint!);
  await slow.write(greeting().subarray(0, 20));
  await within(5000, slow.closedByPeer());
  slow.close();
  pull.close();
});

Deno.test("handshakeInterval: a connection that completed its handshake is not dropped", async () => {
  const pull = new Pull({ handshakeInterval: 100 });
  await pull.bind(TCP);
  const push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send("first");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["first"]);
  await delay(300);
  await push.send("still connected");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["still connected"]);
  push.close();
  pull.close();
});

Deno.test("handshakeInterval 0: a silent peer may stay", async () => {
  const pull = new Pull({ handshakeInterval: 0 });
  await pull.bind(TCP);
  const silent = await RawClient.connect(pull.lastEndpoint!);
  await assert.rejects(silent.closedByPeer(400));
  silent.close();
  pull.close();
});

Deno.test("immediate: nothing is queued for an endpoint that is not connected; every message goes to the live peer", async () => {
  const live = new Pull();
  await live.bind(TCP);
  const push = new Push({ immediate: true, linger: 0 });
  const log = new EventLog(push);
  push.connect(deadEndpoint());
  push.connect(live.lastEndpoint!);
  await log.waitFor("handshake");
  for (let i = 0; i < 10; i++) await push.send(String(i));
  // Without immediate, round robin would leave every other message queued for the dead endpoint.
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(texts(await within(5000, live.receive())), [String(i)]);
  }
  push.close();
  live.close();
});

Deno.test("immediate: nothing is queued for a connection whose handshake has not completed", async () => {
  using mute = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const live = new Pull();
  await live.bind(TCP);
  const push = new Push({ immediate: true, linger: 0 });
  const log = new EventLog(push);
  push.connect(`tcp://127.0.0.1:${mute.addr.port}`);
  // The mute server accepts the TCP connection but never answers the greeting.
  const accepted = await within(5000, mute.accept());
  push.connect(live.lastEndpoint!);
  await log.waitFor("handshake");
  for (let i = 0; i < 10; i++) await push.send(String(i));
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(texts(await within(5000, live.receive())), [String(i)]);
  }
  accepted.close();
  push.close();
  live.close();
});

Deno.test("immediate: with no completed connection, send waits and sendTimeout gives EAGAIN", async () => {
  using mute = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const push = new Push({ immediate: true, sendTimeout: 100, linger: 0 });
  push.connect(`tcp://127.0.0.1:${mute.addr.port}`);
  const accepted = await within(5000, mute.accept());
  await assert.rejects(within(5000, push.send("nowhere")), isEagain);
  accepted.close();
  push.close();
});

Deno.test("without immediate, a message sent before the peer exists waits in the endpoint's queue", async () => {
  const endpoint = deadEndpoint();
  const push = new Push({ reconnectInterval: 20 });
  push.connect(endpoint);
  await push.send("early");
  const pull = new Pull();
  await pull.bind(endpoint);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["early"]);
  push.close();
  pull.close();
});
