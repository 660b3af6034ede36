// ZMTP 3.1 heartbeats with libzmq 4.3.5 in both roles: each side answers
// the other's PINGs, each side's heartbeatTimeout notices the other gone
// silent, and each side honours the TTL the other puts in its PINGs. A
// relay (tests/tcp_relay.ts) silences one direction without closing it.
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, texts, within } from "../helpers.ts";
import { TcpRelay } from "../tcp_relay.ts";
import { LibzmqPeer, type PeerSocket } from "./libzmq.ts";

/** Waits until libzmq's monitor reports an event of `type`; returns the ms waited. */
async function theirEvent(socket: PeerSocket, type: string, ms = 5000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if ((await socket.events()).some((e) => e.type === type)) {
      return performance.now() - started;
    }
    await delay(20);
  }
  throw new Error(`libzmq reported no ${type} within ${ms} ms`);
}

async function theirEventTypes(socket: PeerSocket): Promise<string[]> {
  return (await socket.events()).map((e) => e.type);
}

Deno.test("interop heartbeats: libzmq answers our PINGs, so a short heartbeatTimeout keeps the connection", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = new Pull({ heartbeatInterval: 50, heartbeatTimeout: 200 });
  const log = new EventLog(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const push = await peer.socket("Push");
  await push.connect(pull.lastEndpoint!);
  await log.waitFor("handshake");
  await delay(1000);
  await push.send("alive");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["alive"]);
  assert.equal(log.has("disconnect"), false);
  pull.close();
});

Deno.test("interop heartbeats: we answer libzmq's PINGs, so its short heartbeatTimeout keeps the connection", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = await peer.socket("Pull", { heartbeatInterval: 50, heartbeatTimeout: 200 });
  await pull.monitor();
  const endpoint = await pull.bind("tcp://127.0.0.1:*");
  const push = new Push();
  push.connect(endpoint);
  await theirEvent(pull, "handshake");
  await delay(1000);
  await push.send("alive");
  assert.deepEqual(texts(await pull.receive(5000)), ["alive"]);
  assert.ok(!(await theirEventTypes(pull)).includes("disconnect"));
  push.close();
});

Deno.test("interop heartbeats: our heartbeatTimeout notices a libzmq peer gone silent", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = await peer.socket("Pull");
  const endpoint = await pull.bind("tcp://127.0.0.1:*");
  await using relay = await TcpRelay.start(endpoint);
  const push = new Push({ heartbeatInterval: 50, heartbeatTimeout: 300 });
  const log = new EventLog(push);
  push.connect(relay.endpoint);
  await log.waitFor("handshake");
  await delay(300); // PINGs answered meanwhile
  assert.equal(log.has("disconnect"), false);
  relay.hold("toClient");
  const started = performance.now();
  const gone = await log.waitFor("disconnect", 5000);
  assert.ok(performance.now() - started >= 250, "dropped before the timeout");
  assert.match(String(gone.error), /heartbeat timed out/);
  push.close();
});

Deno.test("interop heartbeats: libzmq honours the TTL in our PINGs", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = await peer.socket("Pull");
  await pull.monitor();
  const endpoint = await pull.bind("tcp://127.0.0.1:*");
  await using relay = await TcpRelay.start(endpoint);
  // libzmq has no heartbeat options here: only our TTL can make it drop us.
  const push = new Push({
    heartbeatInterval: 50,
    heartbeatTimeToLive: 500,
    heartbeatTimeout: 60000,
  });
  const log = new EventLog(push);
  push.connect(relay.endpoint);
  await log.waitFor("handshake");
  await delay(200);
  relay.hold("toServer");
  const waited = await theirEvent(pull, "disconnect", 5000);
  assert.ok(waited >= 350, `libzmq dropped us after ${waited.toFixed(0)} ms, before the TTL`);
  push.close();
});

Deno.test("interop heartbeats: we honour the TTL in libzmq's PINGs", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = new Pull();
  const log = new EventLog(pull);
  await pull.bind("tcp://127.0.0.1:*");
  await using relay = await TcpRelay.start(pull.lastEndpoint!);
  const push = await peer.socket("Push", {
    heartbeatInterval: 50,
    heartbeatTimeToLive: 500,
    heartbeatTimeout: 60000,
  });
  await push.connect(relay.endpoint);
  await log.waitFor("handshake");
  await delay(200);
  relay.hold("toServer");
  const started = performance.now();
  const gone = await log.waitFor("disconnect", 5000);
  assert.ok(performance.now() - started >= 350, "dropped before the TTL");
  assert.match(String(gone.error), /TTL/);
  pull.close();
});
