// High-water marks per socket type, as libzmq's "action in mute state":
// PUSH, DEALER, REQ and PAIR block (send waits; sendTimeout rejects with
// EAGAIN); PUB, XPUB and ROUTER drop, for the full peer only; XSUB drops
// what it sends upstream to a full publisher (libzmq's xsub_t never blocks);
// any receiving socket stops reading a connection at its receive
// high-water mark, so TCP pushes back on the sender.
import assert from "node:assert/strict";
import {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Request,
  Router,
  type SocketBase,
  Subscriber,
  XPublisher,
  XSubscriber,
  ZmqError,
} from "../../mod.ts";
import { delay, eventually, texts, within } from "../helpers.ts";
import { concat, message, RawClient } from "../raw_zmtp.ts";

/** A sender and a receiver that never reads until the test says so. */
interface Blocking {
  name: string;
  make(sendHwm: number, receiveHwm: number): { sender: SocketBase; receiver: SocketBase };
  /** The body of the message as the receiver sees it. */
  unwrap(msg: Uint8Array[]): string;
}

const BLOCKING: Blocking[] = [
  {
    name: "PUSH to PULL",
    make: (s, r) => ({
      sender: new Push({ sendHighWaterMark: s }),
      receiver: new Pull({ receiveHighWaterMark: r }),
    }),
    unwrap: (m) => texts(m)[0],
  },
  {
    name: "PAIR to PAIR",
    make: (s, r) => ({
      sender: new Pair({ sendHighWaterMark: s }),
      receiver: new Pair({ receiveHighWaterMark: r }),
    }),
    unwrap: (m) => texts(m)[0],
  },
  {
    name: "DEALER to ROUTER",
    make: (s, r) => ({
      sender: new Dealer({ sendHighWaterMark: s }),
      receiver: new Router({ receiveHighWaterMark: r }),
    }),
    unwrap: (m) => texts(m)[1],
  },
  {
    // relaxed: a REQ may send again without a reply, so its queue can fill.
    name: "REQ (relaxed) to ROUTER",
    make: (s, r) => ({
      sender: new Request({ sendHighWaterMark: s, relaxed: true }),
      receiver: new Router({ receiveHighWaterMark: r }),
    }),
    // [routing id, empty delimiter, body]
    unwrap: (m) => texts(m)[2],
  },
];

function isEagain(err: unknown): boolean {
  return err instanceof ZmqError && err.code === "EAGAIN";
}

/**
 * Sends numbered messages until a send rejects with EAGAIN (after the
 * socket's sendTimeout); returns how many were queued. Fails if `limit`
 * sends all succeed.
 */
async function sendUntilBlocked(
  sender: SocketBase,
  limit: number,
  payload: Uint8Array = new Uint8Array(0),
): Promise<number> {
  for (let i = 0; i < limit; i++) {
    try {
      await sender.send(payload.length === 0 ? String(i) : [String(i), payload]);
    } catch (err) {
      if (isEagain(err)) return i;
      throw err;
    }
  }
  assert.fail(`${limit} sends never blocked`);
}

for (const kind of BLOCKING) {
  Deno.test(`${kind.name} over inproc: send waits at exactly the high-water marks, sendTimeout gives EAGAIN`, async () => {
    const { sender, receiver } = kind.make(3, 2);
    sender.sendTimeout = 50;
    await receiver.bind(`inproc://hwm-${kind.name}`);
    sender.connect(`inproc://hwm-${kind.name}`);
    // libzmq sizes an inproc pipe as the sender's SNDHWM plus the receiver's RCVHWM.
    assert.equal(await within(5000, sendUntilBlocked(sender, 100)), 5);
    // A waiting send completes once the receiver makes room.
    sender.sendTimeout = -1;
    const waiting = sender.send("after");
    for (let i = 0; i < 5; i++) assert.equal(kind.unwrap(await receiver.receive()), String(i));
    await within(5000, waiting);
    assert.equal(kind.unwrap(await within(5000, receiver.receive())), "after");
    sender.close();
    receiver.close();
  });

  Deno.test(`${kind.name} over tcp: sends stop at a peer that does not read, and resume when it does`, async () => {
    const { sender, receiver } = kind.make(10, 10);
    sender.sendTimeout = 200;
    await receiver.bind("tcp://127.0.0.1:*");
    sender.connect(receiver.lastEndpoint!);
    // 8 KiB messages: what TCP buffers holds on top of the two queues is
    // a few MiB, far below the 40,000 attempted (320 MiB).
    const payload = new Uint8Array(8192);
    const queued = await within(20000, sendUntilBlocked(sender, 40000, payload));
    assert.ok(queued >= 20, `only ${queued} queued`);
    assert.ok(queued < 4000, `${queued} messages queued for a peer that does not read`);
    // Everything queued arrives, in order, and the sender may go on.
    for (let i = 0; i < queued; i++) {
      assert.equal(kind.unwrap(await within(5000, receiver.receive())), String(i));
    }
    await within(5000, sender.send("more"));
    assert.equal(kind.unwrap(await within(5000, receiver.receive())), "more");
    sender.close();
    receiver.close();
  });
}

/** A dropping sender with two peers: `stuck` never reads, `reader` reads everything. */
interface Dropping {
  name: string;
  setUp(endpoint: string): Promise<{
    sender: SocketBase;
    stuck: SocketBase;
    reader: SocketBase;
    /** Sends message `i` to both peers (a ROUTER addresses each). */
    sendToBoth(i: number): Promise<void>;
    close(): void;
  }>;
}

async function subscribed(sub: Subscriber | XSubscriber, endpoint: string): Promise<void> {
  if (sub instanceof Subscriber) sub.subscribe();
  else await sub.send(new Uint8Array([1]));
  sub.connect(endpoint);
}

function fanOut(name: string, Type: typeof Publisher | typeof XPublisher): Dropping {
  return {
    name,
    setUp: async (endpoint) => {
      const sender = new Type({ sendHighWaterMark: 5, sendTimeout: 0 });
      await sender.bind(endpoint);
      const stuck = new Subscriber({ receiveHighWaterMark: 5 });
      const reader = new Subscriber();
      await subscribed(stuck, endpoint);
      await subscribed(reader, endpoint);
      if (sender instanceof XPublisher) {
        // XPUB hands the subscriptions to the user; wait for both.
        await within(5000, sender.receive());
        sender.receiveTimeout = 200;
        await sender.receive().catch(() => {});
      } else await eventually(() => (sender as Publisher).topicCount === 1);
      await delay(20);
      return {
        sender,
        stuck,
        reader,
        sendToBoth: (i) => sender.send(String(i)),
        close: () => [sender, stuck, reader].forEach((s) => s.close()),
      };
    },
  };
}

const DROPPING: Dropping[] = [
  fanOut("PUB", Publisher),
  fanOut("XPUB", XPublisher),
  {
    name: "ROUTER",
    setUp: async (endpoint) => {
      const sender = new Router({ sendHighWaterMark: 5, sendTimeout: 0 });
      await sender.bind(endpoint);
      const stuck = new Dealer({ routingId: "stuck", receiveHighWaterMark: 5 });
      const reader = new Dealer({ routingId: "reader" });
      stuck.connect(endpoint);
      reader.connect(endpoint);
      // The ROUTER knows a peer once its first message arrived.
      await stuck.send("hi");
      await reader.send("hi");
      await within(5000, sender.receive());
      await within(5000, sender.receive());
      return {
        sender,
        stuck,
        reader,
        sendToBoth: async (i) => {
          await sender.send(["stuck", String(i)]);
          await sender.send(["reader", String(i)]);
        },
        close: () => [sender, stuck, reader].forEach((s) => s.close()),
      };
    },
  },
];

for (const kind of DROPPING) {
  Deno.test(`${kind.name} over inproc drops for the full peer only and never waits`, async () => {
    const { sender: _, stuck, reader, sendToBoth, close } = await kind.setUp(
      `inproc://drop-${kind.name}`,
    );
    // sendTimeout 0: a send that would wait rejects at once, failing the test.
    for (let i = 0; i < 100; i++) {
      await sendToBoth(i);
      assert.equal(texts(await within(5000, reader.receive())).at(-1), String(i));
    }
    // The stuck peer keeps the first 10 (its pipe: 5 + 5), the rest were dropped.
    for (let i = 0; i < 10; i++) assert.equal(texts(await stuck.receive()).at(-1), String(i));
    stuck.receiveTimeout = 100;
    await assert.rejects(stuck.receive(), isEagain);
    close();
  });
}

Deno.test("XSUB never waits: what it sends to a publisher that does not read is dropped", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const xsub = new XSubscriber({ sendHighWaterMark: 10, sendTimeout: 0 });
  xsub.connect(`tcp://127.0.0.1:${listener.addr.port}`);
  const raw = new RawClient(await within(5000, listener.accept()));
  await within(5000, raw.handshake("XPUB"));
  // sendTimeout 0: a send that had to wait would reject.
  const payload = new Uint8Array(8192);
  const count = 20000;
  for (let i = 0; i < count; i++) await xsub.send([String(i), payload]);
  // What reached the publisher is the start of the sequence; the rest was dropped.
  let received = 0;
  for (;;) {
    const next = raw.readMessage();
    const got = await Promise.race([next, delay(300).then(() => null)]);
    if (got === null) break;
    assert.equal(texts([got[0]])[0], String(received));
    received++;
  }
  assert.ok(received >= 10 && received < count, `${received} of ${count} arrived`);
  xsub.close();
  raw.close();
});

/**
 * A raw peer of type `peerType` writes 64 MiB of 4 KiB messages to
 * `socket`, whose user does not read at first: the writes must stall
 * (the socket stopped reading), and complete once the user reads.
 */
async function writesStallUntilRead(
  socket: SocketBase,
  peerType: string,
  accept: () => Promise<RawClient>,
): Promise<void> {
  const raw = await accept();
  await within(5000, raw.handshake(peerType));
  // Not starting with 0 or 1: an XPUB reads such a frame of a multipart
  // message as a cancel (as libzmq does, without onlyFirstSubscribe).
  const body = new Uint8Array(4096).fill(0x42);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 256; i++) parts.push(message(String(i % 10).padStart(8, "0"), body));
  const chunk = concat(...parts);
  const batches = Math.ceil(64 * 1024 * 1024 / chunk.length);
  let written = 0;
  const writing = (async () => {
    for (; written < batches; written++) await raw.write(chunk);
  })();
  await delay(500);
  const stalledAt = written;
  await delay(500);
  assert.equal(written, stalledAt, "the peer's writes kept completing");
  assert.ok(written * chunk.length < 16 * 1024 * 1024, `${written * chunk.length} bytes taken`);
  const reading = (async () => {
    for (let n = 0; n < batches * 256; n++) await socket.receive();
  })();
  await within(30000, Promise.all([writing, reading]));
  raw.close();
}

Deno.test("a SUB that does not read stops reading its connection: the publisher's writes back up", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sub = new Subscriber({ receiveHighWaterMark: 10 });
  sub.subscribe();
  sub.connect(`tcp://127.0.0.1:${listener.addr.port}`);
  await writesStallUntilRead(sub, "PUB", async () => new RawClient(await listener.accept()));
  sub.close();
});

Deno.test("an XPUB whose user does not read stops reading its peers at receiveHighWaterMark", async () => {
  // libzmq's XPUB queues what its peers send up without limit; we stop reading.
  const xpub = new XPublisher({ receiveHighWaterMark: 10 });
  await xpub.bind("tcp://127.0.0.1:*");
  await writesStallUntilRead(xpub, "XSUB", () => RawClient.connect(xpub.lastEndpoint!));
  xpub.close();
});
