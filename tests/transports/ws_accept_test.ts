// socket.acceptWebSocket(request): peers that come through the user's own HTTP server.
import assert from "node:assert/strict";
import { Publisher, Pull, Push, Stream, Subscriber, ZmqError } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { bytes, eventually, texts, within } from "../helpers.ts";

/** A Deno.serve server with ordinary routes and `/zmq` handed to `socket`. */
function serve(socket: { acceptWebSocket(request: Request): Response }) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/zmq") return socket.acceptWebSocket(request);
    if (path === "/health") return Response.json({ ok: true });
    return new Response("not found", { status: 404 });
  });
  return { server, url: `ws://127.0.0.1:${server.addr.port}/zmq`, port: server.addr.port };
}

Deno.test("acceptWebSocket: a Subscriber connecting over ws gets the Publisher's messages, next to plain HTTP routes", async () => {
  const pub = new Publisher();
  const { server, url, port } = serve(pub);
  const sub = new Subscriber();
  sub.subscribe("tick");
  sub.connect(url);
  await eventually(
    () => pub.topicCount === 1,
    5000,
    "the subscription over the accepted WebSocket",
  );
  await pub.send(["tock", "filtered out"]);
  await pub.send(["tick", "1"]);
  assert.deepEqual(texts(await within(5000, sub.receive())), ["tick", "1"]);
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  assert.deepEqual(await health.json(), { ok: true });
  sub.close();
  pub.close();
  await server.shutdown();
});

Deno.test("acceptWebSocket: a request that is not a WebSocket upgrade throws EINVAL", () => {
  using pull = new Pull();
  assert.throws(
    () => pull.acceptWebSocket(new Request("http://127.0.0.1/zmq")),
    (err) => err instanceof ZmqError && err.code === "EINVAL",
  );
});

Deno.test("acceptWebSocket: a Stream socket refuses it (ENOTSUP)", () => {
  using stream = new Stream();
  const request = new Request("http://127.0.0.1/zmq", { headers: { upgrade: "websocket" } });
  assert.throws(
    () => stream.acceptWebSocket(request),
    (err) => err instanceof ZmqError && err.code === "ENOTSUP",
  );
});

Deno.test("acceptWebSocket: a browser-style client with bare ZWS2.0 sends its routing id first, then messages", async () => {
  const pull = new Pull();
  const { server, url } = serve(pull);
  const ws = new WebSocket(url, ["ZWS2.0"]);
  ws.binaryType = "arraybuffer";
  const first = new Promise<number[]>((resolve) => {
    ws.onmessage = (event) => resolve([...new Uint8Array(event.data)]);
  });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  assert.equal(ws.protocol, "ZWS2.0");
  assert.deepEqual(await within(5000, first), [0x00], "the Pull's (empty) routing id comes first");
  ws.send(new Uint8Array([0x00])); // empty routing id, last frame
  ws.send(new Uint8Array([0x01, ...bytes("a")]));
  ws.send(new Uint8Array([0x00, ...bytes("b")]));
  assert.deepEqual(texts(await within(5000, pull.receive())), ["a", "b"]);
  const closed = new Promise((resolve) => ws.onclose = resolve);
  ws.close();
  await closed;
  pull.close();
  await server.shutdown();
});

Deno.test("acceptWebSocket: a client offering no ZWS subprotocol gets 400, and good peers keep working", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  const { server, url, port } = serve(pull);
  const response = await fetch(`http://127.0.0.1:${port}/zmq`, {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
      "sec-websocket-protocol": "chat",
    },
  });
  assert.equal(response.status, 400);
  assert.match(await response.text(), /no ZWS subprotocol/);
  await log.waitFor("handshake:error:protocol");
  const push = new Push();
  push.connect(url);
  await push.send("still works");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["still works"]);
  push.close();
  pull.close();
  await server.shutdown();
});

Deno.test("acceptWebSocket: PLAIN clients are checked by the socket's authenticate", async () => {
  const pull = new Pull({ plainServer: true, authenticate: (r) => r.password === "right" });
  const { server, url } = serve(pull);
  const good = new Push({ plainUsername: "u", plainPassword: "right" });
  const bad = new Push({ plainUsername: "u", plainPassword: "wrong", linger: 0 });
  const badLog = new EventLog(bad);
  good.connect(url);
  bad.connect(url);
  await bad.send("must not arrive");
  await good.send("arrives");
  await badLog.waitFor("handshake:error:auth");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["arrives"]);
  bad.close();
  good.close();
  pull.close();
  await server.shutdown();
});
