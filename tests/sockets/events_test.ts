// Monitor events: each kind in API.md, with the address it concerns, for
// the situations libzmq reports it in (checked against libzmq 4.3.5 with
// zeromq.js: see tests/interop/events_test.ts).
import assert from "node:assert/strict";
import { Pull, Push, type SocketEvent, type SocketEventType } from "../../mod.ts";
import { AcceptSession } from "../../src/session/session.ts";
import { socketCore } from "../../src/socket.ts";
import { listenTcp, parseTcp } from "../../src/transport/tcp.ts";
import { EventLog } from "../event_log.ts";
import { eventually, texts, within } from "../helpers.ts";
import { greeting, message, RawClient, ready } from "../raw_zmtp.ts";

const TCP = "tcp://127.0.0.1:*";

function freeEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

function types(events: SocketEvent[]): SocketEventType[] {
  return events.map((e) => e.type);
}

Deno.test("bind and close: a listener's life, with the resolved address", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  await pull.bind(TCP);
  const endpoint = pull.lastEndpoint!;
  assert.equal((await log.waitFor("bind")).address, endpoint);
  await pull.unbind(endpoint);
  assert.equal((await log.waitFor("close")).address, endpoint);
  pull.close();
});

Deno.test("bind:error: the address is in use", async () => {
  const first = new Pull();
  await first.bind(TCP);
  const second = new Pull();
  const log = new EventLog(second);
  await assert.rejects(second.bind(first.lastEndpoint!));
  const failure = await log.waitFor("bind:error");
  assert.equal(failure.address, first.lastEndpoint);
  assert.ok(failure.error instanceof Error);
  first.close();
  second.close();
});

Deno.test("accept, handshake and disconnect on the binding side carry the bound address and the peer's", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  await pull.bind(TCP);
  const raw = await RawClient.connect(pull.lastEndpoint!);
  await raw.handshake("PUSH");
  const local = raw.conn.localAddr as Deno.NetAddr;
  const peer = `tcp://127.0.0.1:${local.port}`;
  for (const type of ["accept", "handshake"] as const) {
    const event = await log.waitFor(type);
    assert.equal(event.address, pull.lastEndpoint);
    assert.equal(event.peer, peer);
  }
  raw.close();
  const gone = await log.waitFor("disconnect");
  assert.deepEqual([gone.address, gone.peer], [pull.lastEndpoint, peer]);
  assert.deepEqual(types(log.events), ["bind", "accept", "handshake", "disconnect"]);
  pull.close();
});

Deno.test("connect, handshake and disconnect on the connecting side, then connect:retry", async () => {
  const pull = new Pull();
  await pull.bind(TCP);
  const endpoint = pull.lastEndpoint!;
  const push = new Push({ reconnectInterval: 50 });
  const log = new EventLog(push);
  push.connect(endpoint);
  assert.equal((await log.waitFor("connect")).address, endpoint);
  assert.equal((await log.waitFor("handshake")).address, endpoint);
  pull.close();
  assert.equal((await log.waitFor("disconnect")).address, endpoint);
  const retry = await log.waitFor("connect:retry");
  assert.deepEqual([retry.address, retry.interval], [endpoint, 50]);
  assert.deepEqual(types(log.events).slice(0, 4), [
    "connect",
    "handshake",
    "disconnect",
    "connect:retry",
  ]);
  push.close();
});

Deno.test("a failed connection attempt: connect:delay with the error, close, then connect:retry", async () => {
  const endpoint = freeEndpoint();
  const push = new Push({ reconnectInterval: 30, linger: 0 });
  const log = new EventLog(push);
  push.connect(endpoint);
  await eventually(() => log.events.length >= 3);
  assert.deepEqual(types(log.events).slice(0, 3), ["connect:delay", "close", "connect:retry"]);
  for (const event of log.events) assert.equal(event.address, endpoint);
  assert.ok(log.events[0].error instanceof Error);
  assert.equal(log.events[2].interval, 30);
  push.close();
});

Deno.test("disconnect by our own choice (disconnect, unbind, close) is not reported", async () => {
  const pull = new Pull();
  const pullLog = new EventLog(pull);
  await pull.bind(TCP);
  const push = new Push();
  const pushLog = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  await pushLog.waitFor("handshake");
  await pullLog.waitFor("handshake");
  push.disconnect(pull.lastEndpoint!);
  // The binding side sees the connection end: that one is reported.
  await pullLog.waitFor("disconnect");
  assert.equal(pushLog.has("disconnect"), false);
  push.close();
  pull.close();
});

Deno.test("handshake:error:other, then disconnect: the peer closes during the greeting", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  await pull.bind(TCP);
  const raw = await RawClient.connect(pull.lastEndpoint!);
  await raw.write(greeting().subarray(0, 11));
  raw.close();
  const failure = await log.waitFor("handshake:error:other");
  assert.equal(failure.address, pull.lastEndpoint);
  await log.waitFor("disconnect");
  assert.deepEqual(types(log.events), ["bind", "accept", "handshake:error:other", "disconnect"]);
  pull.close();
});

Deno.test("handshake:error:protocol: not ZMTP, an incompatible socket type, data before READY", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  await pull.bind(TCP);
  const attempts: Uint8Array[][] = [
    // Not ZMTP: a first byte other than 0xFF starts a ZMTP 1.0 frame (as in
    // libzmq), and a zero length is no frame at all.
    [new Uint8Array([0, 0, 0])],
    [greeting(), ready("PUB")],
    [greeting(), message("too early")],
  ];
  for (const [i, bytes] of attempts.entries()) {
    const raw = await RawClient.connect(pull.lastEndpoint!);
    await raw.write(...bytes);
    await within(5000, raw.closedByPeer());
    raw.close();
    await eventually(
      () => log.events.filter((e) => e.type === "handshake:error:protocol").length === i + 1,
    );
  }
  const failures = log.events.filter((e) => e.type === "handshake:error:protocol");
  for (const failure of failures) {
    assert.equal(failure.address, pull.lastEndpoint);
    assert.ok(failure.error instanceof Error);
  }
  assert.equal(log.has("handshake"), false);
  pull.close();
});

Deno.test("an HTTP request reads as a ZMTP 1.0 peer (as in libzmq) and is dropped at handshakeInterval", async () => {
  const pull = new Pull({ handshakeInterval: 200 });
  const log = new EventLog(pull);
  await pull.bind(TCP);
  const raw = await RawClient.connect(pull.lastEndpoint!);
  await raw.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  await within(5000, raw.closedByPeer());
  raw.close();
  await log.waitFor("handshake:error:other");
  assert.equal(log.has("handshake"), false);
  pull.close();
});

Deno.test("handshake:error:auth, then disconnect, on both sides of a refused PLAIN client", async () => {
  const pull = new Pull({ plainServer: true, authenticate: () => false });
  const serverLog = new EventLog(pull);
  await pull.bind(TCP);
  const push = new Push({ plainUsername: "who", plainPassword: "knows", linger: 0 });
  const clientLog = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  for (const log of [serverLog, clientLog]) {
    const refused = await log.waitFor("handshake:error:auth");
    assert.equal(refused.address, pull.lastEndpoint);
    assert.ok(refused.error instanceof Error);
    assert.equal((await log.waitFor("disconnect")).address, pull.lastEndpoint);
  }
  assert.equal(serverLog.has("handshake"), false);
  push.close();
  pull.close();
});

Deno.test("accept:error: a failed accept is reported and accepting goes on", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  // A listener whose first accept fails, as on EMFILE (running out of file
  // descriptors makes Deno itself panic, so the failure is simulated).
  const real = await listenTcp(parseTcp("127.0.0.1:*", TCP, true));
  let failed = false;
  const flaky = {
    endpoint: real.endpoint,
    accept: () => {
      if (failed) return real.accept();
      failed = true;
      return Promise.reject(new Error("Too many open files (os error 24)"));
    },
    close: () => real.close(),
  };
  const session = new AcceptSession(socketCore(pull), flaky);
  const failure = await log.waitFor("accept:error");
  assert.equal(failure.address, real.endpoint);
  assert.match(String(failure.error), /Too many open files/);
  const push = new Push();
  push.connect(real.endpoint);
  await push.send("accepted after the failure");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["accepted after the failure"]);
  push.close();
  await session.close();
  pull.close();
});
