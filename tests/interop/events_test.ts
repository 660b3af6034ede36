// Our monitor events against libzmq 4.3.5's (through zeromq.js) for the
// same situations: the same kinds, in the same order, with the same
// reconnection intervals. One difference is deliberate: libzmq reports
// connect:delay for every attempt still in progress, we report it only for
// an attempt that failed (with the error).
import assert from "node:assert/strict";
import { Pull, Push, type SocketBase } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, eventually } from "../helpers.ts";
import { RawClient } from "../raw_zmtp.ts";
import { LibzmqPeer, type PeerSocket } from "./libzmq.ts";

function freeEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

type Seen = { type: string; interval?: number | null };

/** Polls libzmq's monitor into `seen` while `until` is false. */
async function collect(socket: PeerSocket, until: (events: Seen[]) => boolean): Promise<Seen[]> {
  const seen: Seen[] = [];
  const started = performance.now();
  while (!until(seen)) {
    if (performance.now() - started > 5000) throw new Error(`libzmq: ${JSON.stringify(seen)}`);
    seen.push(...await socket.events());
    await delay(20);
  }
  return seen;
}

function ours(socket: SocketBase): EventLog {
  return new EventLog(socket);
}

const retries = (events: Seen[]) => events.filter((e) => e.type === "connect:retry");

Deno.test("interop events: refused connections and back-off, as libzmq reports them", async () => {
  await using peer = await LibzmqPeer.start();
  const options = { reconnectInterval: 20, reconnectMaxInterval: 80, linger: 0 };
  const their = await peer.socket("Push", options);
  await their.monitor();
  await their.connect(freeEndpoint());
  const theirEvents = await collect(their, (e) => retries(e).length >= 5);
  const push = new Push(options);
  const log = ours(push);
  push.connect(freeEndpoint());
  await eventually(() => retries(log.events).length >= 5);
  push.close();
  const pattern = (events: Seen[]) => events.slice(0, 15).map((e) => e.type);
  assert.deepEqual(pattern(log.events), pattern(theirEvents));
  const intervals = (events: Seen[]) => retries(events).slice(0, 5).map((e) => e.interval);
  assert.deepEqual(intervals(log.events), intervals(theirEvents));
  assert.deepEqual(intervals(log.events), [20, 40, 80, 80, 80]);
});

Deno.test("interop events: a silent peer dropped by handshakeInterval, as libzmq reports it", async () => {
  await using peer = await LibzmqPeer.start();
  const their = await peer.socket("Pull", { handshakeInterval: 150 });
  await their.monitor();
  const theirEndpoint = await their.bind("tcp://127.0.0.1:*");
  const silentToThem = await RawClient.connect(theirEndpoint);
  const theirEvents = await collect(their, (e) => e.some((x) => x.type === "disconnect"));

  const pull = new Pull({ handshakeInterval: 150 });
  const log = ours(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const silentToUs = await RawClient.connect(pull.lastEndpoint!);
  await log.waitFor("disconnect");
  assert.deepEqual(
    log.events.map((e) => e.type),
    theirEvents.map((e) => e.type),
  );
  assert.deepEqual(log.events.map((e) => e.type), [
    "bind",
    "accept",
    "handshake:error:other",
    "disconnect",
  ]);
  silentToThem.close();
  silentToUs.close();
  pull.close();
});

Deno.test("interop events: a peer that completes its handshake and leaves, as libzmq reports it", async () => {
  await using peer = await LibzmqPeer.start();
  const their = await peer.socket("Pull");
  await their.monitor();
  const theirEndpoint = await their.bind("tcp://127.0.0.1:*");
  const toThem = new Push();
  toThem.connect(theirEndpoint);
  const theirEvents = await collect(their, (e) => e.some((x) => x.type === "handshake"));
  toThem.close();
  theirEvents.push(...await collect(their, (e) => e.some((x) => x.type === "disconnect")));

  const pull = new Pull();
  const log = ours(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const toUs = new Push();
  toUs.connect(pull.lastEndpoint!);
  await log.waitFor("handshake");
  toUs.close();
  await log.waitFor("disconnect");
  assert.deepEqual(log.events.map((e) => e.type), theirEvents.map((e) => e.type));
  assert.deepEqual(log.events.map((e) => e.type), ["bind", "accept", "handshake", "disconnect"]);
  pull.close();
});
