// ws:// specifics between two sockets of this library: unbind and
// disconnect, WebSocket-ping heartbeats against a peer that goes silent,
// and the endpoint forms.
import assert from "node:assert/strict";
import { Pair, Pull, Push, ZmqError } from "../../mod.ts";
import { upgradeRequest, WsFrameEncoder } from "../../src/wire/websocket.ts";
import { EventLog } from "../event_log.ts";
import { texts, within } from "../helpers.ts";
import { hasIpv6Loopback } from "./cases.ts";

Deno.test("ws: unbind closes the peers accepted there and frees the port for a new bind", async () => {
  const pull = new Pull();
  await pull.bind("ws://127.0.0.1:*/a");
  const endpoint = pull.lastEndpoint!;
  const push = new Push();
  const log = new EventLog(push);
  push.connect(endpoint);
  await push.send("before");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["before"]);
  await pull.unbind(endpoint);
  await log.waitFor("disconnect");
  const again = new Pull();
  await again.bind(endpoint); // same port, same path: the push reconnects here
  await push.send("after");
  assert.deepEqual(texts(await within(5000, again.receive())), ["after"]);
  push.close();
  again.close();
  pull.close();
});

Deno.test("ws: disconnect stops reconnecting; a second disconnect is ENOENT", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  await pull.bind("ws://127.0.0.1:*");
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("one");
  await within(5000, pull.receive());
  push.disconnect(pull.lastEndpoint!);
  await log.waitFor("disconnect");
  assert.throws(
    () => push.disconnect(pull.lastEndpoint!),
    (err) => err instanceof ZmqError && err.code === "ENOENT",
  );
  push.close();
  pull.close();
});

Deno.test("ws: a peer that stops answering pings is dropped after heartbeatTimeout", async () => {
  const pull = new Pull({ heartbeatInterval: 50, heartbeatTimeout: 150 });
  const log = new EventLog(pull);
  await pull.bind("ws://127.0.0.1:*");
  const port = Number(new URL(pull.lastEndpoint!.replace("ws:", "http:")).port);
  // A client that upgrades, says READY as a PUSH, then never reads or writes again.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const encoder = new WsFrameEncoder(true);
  const ready = new TextEncoder().encode("\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH");
  encoder.binary(0x02, ready);
  const [frames] = encoder.take();
  await conn.write(upgradeRequest("127.0.0.1", "/", "dGhlIHNhbXBsZSBub25jZQ==", ["ZWS2.0/NULL"]));
  await conn.write(frames);
  await log.waitFor("handshake");
  const dropped = await log.waitFor("disconnect", 3000);
  assert.match(String(dropped.error?.message), /heartbeat/);
  conn.close();
  pull.close();
});

Deno.test({
  name: "ws: a missing path means /, and IPv6 hosts take brackets",
  ignore: !hasIpv6Loopback,
  async fn() {
    const pair = new Pair();
    await pair.bind("ws://[::1]:*");
    assert.match(pair.lastEndpoint!, /^ws:\/\/\[::1\]:\d+\/$/);
    pair.close();
    using other = new Pair();
    const invalid = (e: unknown) => e instanceof ZmqError && e.code === "EINVAL";
    assert.throws(() => other.connect("ws://::1:5555"), invalid);
    assert.throws(() => other.connect("ws://127.0.0.1/feed"), invalid);
  },
});
