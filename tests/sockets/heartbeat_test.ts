// ZMTP 3.1 heartbeats (RFC 37) against a hand-driven peer: PING with TTL
// and context, PONG echoing the context, heartbeatTimeout closing a silent
// connection, the peer's TTL honoured, and a slow local consumer not taken
// for a dead peer.
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, texts, within } from "../helpers.ts";
import { commandOf, message, ping, pong, RawClient } from "../raw_zmtp.ts";

const TCP = "tcp://127.0.0.1:*";

/** A PULL bound with `options` and a raw PUSH peer that completed its handshake. */
async function pullWithRawPeer(
  options: ConstructorParameters<typeof Pull>[0],
): Promise<{ pull: Pull; raw: RawClient; log: EventLog }> {
  const pull = new Pull(options);
  const log = new EventLog(pull);
  await pull.bind(TCP);
  const raw = await RawClient.connect(pull.lastEndpoint!);
  await within(5000, raw.handshake("PUSH"));
  await log.waitFor("handshake");
  return { pull, raw, log };
}

/** Answers every PING with a PONG carrying its context, until the connection ends. */
async function answerPings(raw: RawClient): Promise<void> {
  try {
    for (;;) {
      const cmd = commandOf(await raw.readFrame());
      if (cmd?.name === "PING") await raw.write(pong(cmd.data.subarray(2)));
    }
  } catch { /* connection closed */ }
}

/** Rejects if the peer closes the connection within `ms`. */
async function staysOpen(raw: RawClient, ms: number): Promise<void> {
  await assert.rejects(raw.closedByPeer(ms), /did not finish/, "the connection was closed");
}

Deno.test("heartbeatInterval: PINGs carry heartbeatTimeToLive in deciseconds and no context", async () => {
  const { pull, raw } = await pullWithRawPeer({
    heartbeatInterval: 50,
    heartbeatTimeout: 5000,
    heartbeatTimeToLive: 1550,
  });
  for (let i = 0; i < 3; i++) {
    const data = await within(2000, raw.readCommand("PING"));
    // 1550 ms truncates to 15 deciseconds, as libzmq's ZMQ_HEARTBEAT_TTL.
    assert.deepEqual([...data], [0, 15]);
  }
  raw.close();
  pull.close();
});

Deno.test("without heartbeatInterval no PING is sent", async () => {
  const { pull, raw } = await pullWithRawPeer({});
  const first = raw.readFrame();
  const got = await Promise.race([first, delay(300).then(() => null)]);
  assert.equal(got, null);
  raw.close();
  pull.close();
  await first.catch(() => {});
});

Deno.test("a PING is answered with a PONG that echoes its context (at most 16 bytes)", async () => {
  const { pull, raw } = await pullWithRawPeer({});
  await raw.write(ping(0, "context-42"));
  assert.deepEqual(texts([await within(2000, raw.readCommand("PONG"))]), ["context-42"]);
  await raw.write(ping(0, "0123456789abcdef-and-more"));
  assert.deepEqual(texts([await within(2000, raw.readCommand("PONG"))]), ["0123456789abcdef"]);
  raw.close();
  pull.close();
});

Deno.test("heartbeatTimeout closes a connection whose peer stopped answering, and reports it", async () => {
  const { pull, raw, log } = await pullWithRawPeer({
    heartbeatInterval: 50,
    heartbeatTimeout: 250,
  });
  const started = performance.now();
  await raw.closedByPeer(5000);
  assert.ok(performance.now() - started >= 250, "closed before the timeout");
  const gone = await log.waitFor("disconnect");
  assert.equal(gone.address, pull.lastEndpoint);
  assert.match(String(gone.error), /heartbeat timed out/);
  raw.close();
  pull.close();
});

Deno.test("heartbeatTimeout defaults to heartbeatInterval", async () => {
  const { pull, raw } = await pullWithRawPeer({ heartbeatInterval: 100 });
  const started = performance.now();
  await raw.closedByPeer(3000);
  assert.ok(performance.now() - started >= 150);
  raw.close();
  pull.close();
});

Deno.test("a peer that answers with PONGs stays connected", async () => {
  const { pull, raw } = await pullWithRawPeer({ heartbeatInterval: 50, heartbeatTimeout: 300 });
  const answering = answerPings(raw);
  await delay(1000);
  await raw.write(message("still here"));
  assert.deepEqual(texts(await within(2000, pull.receive())), ["still here"]);
  raw.close();
  await answering;
  pull.close();
});

Deno.test("any traffic from the peer counts as a sign of life, not only PONG", async () => {
  const { pull, raw } = await pullWithRawPeer({ heartbeatInterval: 50, heartbeatTimeout: 300 });
  for (let i = 0; i < 20; i++) {
    await raw.write(message(String(i)));
    await delay(50);
  }
  for (let i = 0; i < 20; i++) assert.deepEqual(texts(await pull.receive()), [String(i)]);
  raw.close();
  pull.close();
});

Deno.test("heartbeatTimeToLive of the peer: silent after a PING with a TTL, it is dropped", async () => {
  const { pull, raw, log } = await pullWithRawPeer({});
  // TTL 3 deciseconds: drop me if you hear nothing from me for 300 ms.
  await raw.write(ping(3));
  await within(2000, raw.readCommand("PONG"));
  const started = performance.now();
  await raw.closedByPeer(5000);
  assert.ok(performance.now() - started >= 250, "dropped before the TTL");
  assert.match(String((await log.waitFor("disconnect")).error), /TTL/);
  raw.close();
  pull.close();
});

Deno.test("a PING without a TTL does not make silence fatal", async () => {
  const { pull, raw } = await pullWithRawPeer({});
  await raw.write(ping(0));
  await within(2000, raw.readCommand("PONG"));
  await staysOpen(raw, 700);
  raw.close();
  pull.close();
});

Deno.test("traffic after a PING with a TTL keeps the peer", async () => {
  const { pull, raw } = await pullWithRawPeer({});
  await raw.write(ping(2));
  for (let i = 0; i < 10; i++) {
    await delay(60);
    await raw.write(message(String(i)));
  }
  for (let i = 0; i < 10; i++) assert.deepEqual(texts(await pull.receive()), [String(i)]);
  raw.close();
  pull.close();
});

Deno.test("a slow consumer is not a dead peer: heartbeats survive a full receive queue", async () => {
  // The PULL stops reading its connection while its queue is full (here for
  // 600 ms, twice its heartbeatTimeout), so the PUSH's PONGs wait unread in
  // the kernel; they must not count as silence (libzmq counts them and
  // drops the connection). The PUSH hears the PULL's own PINGs meanwhile,
  // so its timeout must exceed their interval.
  const pull = new Pull({ heartbeatInterval: 30, heartbeatTimeout: 300, receiveHighWaterMark: 5 });
  const pullLog = new EventLog(pull);
  await pull.bind(TCP);
  const push = new Push({ heartbeatInterval: 30, heartbeatTimeout: 500 });
  const pushLog = new EventLog(push);
  push.connect(pull.lastEndpoint!);
  const total = 2000;
  const body = new Uint8Array(16 * 1024);
  const sending = (async () => {
    for (let i = 0; i < total; i++) await push.send([String(i), body]);
  })();
  await delay(600);
  for (let i = 0; i < total; i++) {
    assert.equal(texts(await within(5000, pull.receive()))[0], String(i));
  }
  await within(5000, sending);
  assert.equal(pullLog.has("disconnect"), false);
  assert.equal(pushLog.has("disconnect"), false);
  push.close();
  pull.close();
});
