import assert from "node:assert/strict";
import type { Message } from "../../src/message.ts";
import { PgmReceiver } from "../../src/session/pgm_receiver.ts";
import { PgmSource } from "../../src/session/pgm_source.ts";
import {
  encodeSpm,
  parsePgm,
  PGM_NAK,
  PGM_NCF,
  PGM_ODATA,
  PGM_RDATA,
  type PgmData,
} from "../../src/wire/pgm.ts";
import { FakeNetwork, seeded } from "./fake_network.ts";
import { eventually, pattern } from "../helpers.ts";

const te = new TextEncoder();
const td = new TextDecoder();

/** Messages numbered in their first frame, of varied sizes and shapes. */
function numbered(
  count: number,
  shape: (i: number) => Uint8Array[] = (i) => [pattern(50 + (i * 37) % 3000, i)],
): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < count; i++) out.push([te.encode(`m${i}`), ...shape(i)]);
  return out;
}

interface Pair {
  net: FakeNetwork;
  source: PgmSource;
  receiver: PgmReceiver;
  received: Message[];
  losses: number[];
  send(messages: Message[]): void;
  close(): void;
}

function pair(
  options: {
    rate?: number;
    recoveryInterval?: number;
    windowSqns?: number;
    drop?: FakeNetwork["drop"];
  } = {},
): Pair {
  const net = new FakeNetwork();
  if (options.drop) net.drop = options.drop;
  const queue: Message[] = [];
  const source = new PgmSource(
    net.link("10.0.0.1"),
    {
      rate: options.rate ?? 100_000,
      recoveryInterval: options.recoveryInterval ?? 10_000,
      maxTpdu: 1500,
    },
    () => queue.shift() ?? null,
  );
  const received: Message[] = [];
  const losses: number[] = [];
  const receiver = new PgmReceiver(
    net.link("10.0.0.2"),
    { maxMessageSize: -1, windowSqns: options.windowSqns ?? source.windowSize },
    {
      deliver: (m) => (received.push(m), true),
      lost: (_source, count) => losses.push(count),
    },
  );
  source.start();
  return {
    net,
    source,
    receiver,
    received,
    losses,
    send(messages) {
      queue.push(...messages);
      source.kick();
    },
    close() {
      source.close();
      receiver.close();
      net.close();
    },
  };
}

Deno.test("pgm repair: with 10 % of packets lost both ways, every message arrives in order", async () => {
  const p = pair();
  const random = seeded(7);
  p.net.drop = () => random() < 0.1;
  try {
    const messages = numbered(
      400,
      (i) =>
        i % 50 === 7 ? [pattern(70_000, i), te.encode("tail")] : [pattern(50 + (i * 37) % 3000, i)],
    );
    await new Promise((r) => setTimeout(r, 30));
    p.send(messages);
    await eventually(() => p.received.length === messages.length, 15_000);
    assert.deepEqual(p.received, messages);
    assert.deepEqual(p.losses, []);
    assert.ok(p.net.dropped > 50, `dropped ${p.net.dropped}`);
  } finally {
    p.close();
  }
});

Deno.test("pgm repair: a NAK is answered by an NCF to the group, then RDATA", async () => {
  const p = pair();
  const seen: string[] = [];
  let droppedOnce = false;
  p.net.drop = (packet, to) => {
    const parsed = parsePgm(packet);
    if (parsed?.type === PGM_NAK) seen.push("NAK");
    if (parsed?.type === PGM_NCF && to.interfaceAddress === "10.0.0.2") seen.push("NCF");
    if (parsed?.type === PGM_RDATA && to.interfaceAddress === "10.0.0.2") seen.push("RDATA");
    if (parsed?.type === PGM_ODATA && (parsed as PgmData).sqn === 1 && !droppedOnce) {
      droppedOnce = true;
      return true;
    }
    return false;
  };
  try {
    await new Promise((r) => setTimeout(r, 30));
    const messages = numbered(3, () => [pattern(2000)]);
    p.send(messages);
    await eventually(() => p.received.length === 3, 5000);
    assert.deepEqual(seen, ["NAK", "NCF", "RDATA"]);
  } finally {
    p.close();
  }
});

Deno.test("pgm repair: a gap the source can no longer repair is reported and the stream resumes at the next whole message", async () => {
  // A window of 3 packets: by the time the NAK comes, the lost one has left it.
  const p = pair({ rate: 8000, recoveryInterval: 5, windowSqns: 1000 });
  p.net.drop = (packet) => {
    const parsed = parsePgm(packet);
    return (parsed?.type === PGM_ODATA || parsed?.type === PGM_RDATA) &&
      (parsed as PgmData).sqn === 2;
  };
  try {
    assert.equal(p.source.windowSize, 3);
    await new Promise((r) => setTimeout(r, 30));
    const messages = numbered(8, () => [pattern(2000)]);
    p.send(messages);
    await eventually(() => p.received.length === 6 && p.losses.length > 0, 5000);
    // Messages take 2014 bytes, packets carry 1426: packet 2 holds the end of
    // m1 and the start of m2, so both go; m3 starts the next whole message.
    const names = p.received.map((m) => td.decode(m[0]));
    assert.deepEqual(names, ["m0", "m3", "m4", "m5", "m6", "m7"]);
    assert.deepEqual(p.received.slice(1), messages.slice(3));
    assert.deepEqual(p.losses, [1]);
  } finally {
    p.close();
  }
});

Deno.test("pgm repair: a receiver that joins late starts at the next message boundary", async () => {
  // The receiver hears nothing (not even the first SPMs) until the second
  // packet of the first message.
  let listening = false;
  const p = pair({
    drop: (packet, to) => {
      if (to.interfaceAddress !== "10.0.0.2" || listening) return false;
      const parsed = parsePgm(packet);
      listening = parsed?.type === PGM_ODATA && (parsed as PgmData).sqn >= 1;
      return !listening;
    },
  });
  try {
    await new Promise((r) => setTimeout(r, 30));
    const messages = numbered(4, () => [pattern(3500)]);
    p.send(messages);
    await eventually(() => p.received.length === 3, 5000);
    assert.deepEqual(p.received, messages.slice(1));
    assert.deepEqual(p.losses, []);
  } finally {
    p.close();
  }
});

Deno.test("pgm repair: the source sends original data no faster than its rate", async () => {
  // 16 Mbit/s = 2 MB/s: 1 MB takes about half a second.
  const p = pair({ rate: 16_000 });
  try {
    await new Promise((r) => setTimeout(r, 30));
    const messages = numbered(100, () => [pattern(10_000)]);
    const start = performance.now();
    p.send(messages);
    await eventually(() => p.received.length === 100, 10_000);
    const elapsed = performance.now() - start;
    assert.ok(elapsed > 450, `1 MB at 2 MB/s took only ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed < 3000, `1 MB at 2 MB/s took ${elapsed.toFixed(0)} ms`);
  } finally {
    p.close();
  }
});

Deno.test("pgm repair: a receiver whose socket is full holds messages and loses none", async () => {
  const net = new FakeNetwork();
  const queue: Message[] = [];
  const source = new PgmSource(net.link("10.0.0.1"), {
    rate: 100_000,
    recoveryInterval: 10_000,
    maxTpdu: 1500,
  }, () => queue.shift() ?? null);
  source.start();
  const received: Message[] = [];
  let room = 10;
  const receiver = new PgmReceiver(net.link("10.0.0.2"), {
    maxMessageSize: -1,
    windowSqns: 100_000,
  }, {
    deliver: (m) => room > 0 ? (room--, received.push(m), true) : false,
    lost: () => assert.fail("nothing is lost"),
  });
  try {
    await new Promise((r) => setTimeout(r, 30));
    const messages = numbered(100);
    queue.push(...messages);
    source.kick();
    await eventually(() => received.length === 10, 5000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(received.length, 10);
    room = Infinity;
    receiver.resume();
    await eventually(() => received.length === 100, 5000);
    assert.deepEqual(received, messages);
  } finally {
    source.close();
    receiver.close();
    net.close();
  }
});

Deno.test("pgm repair: an SPM claiming a lead 2^30 ahead restarts the window at once, no loop per packet", async () => {
  const p = pair();
  try {
    await new Promise((r) => setTimeout(r, 30));
    p.send(numbered(5));
    await eventually(() => p.received.length === 5, 5000);
    const tsi = p.source.tsi;
    const receiverLink = p.net.links[1];
    const start = performance.now();
    receiverLink.onPacket!(
      encodeSpm({
        sourcePort: tsi.sourcePort,
        destinationPort: 5555,
        gsi: tsi.gsi,
        sqn: 1000,
        trail: 0,
        lead: 2 ** 30,
        nla: "10.0.0.1",
      }),
      "10.0.0.1",
    );
    assert.ok(performance.now() - start < 100, "handled at once");
    assert.equal(p.losses.length, 1);
  } finally {
    p.close();
  }
});
