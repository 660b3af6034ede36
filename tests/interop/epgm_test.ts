/**
 * epgm:// against Debian's libzmq 4.3.4 + OpenPGM (python3-zmq), both
 * ways, each peer in its own private network namespace, with nft dropping
 * about one datagram in ten into each peer: nothing may be lost.
 */
import assert from "node:assert/strict";
import { PgmNet, pgmSkipReason } from "./pgm/net.ts";
import { type Library, PORT, startPeer } from "./pgm/peers.ts";

const skip = await pgmSkipReason();
if (skip) console.log(`epgm interop tests skipped: ${skip}`);

/**
 * Runs a subscriber in namespace 1 and a publisher in namespace 0 with 10 %
 * loss into each, and returns the subscriber's report.
 */
async function transfer(
  publisher: Library,
  subscriber: Library,
  messages: { count: number; size: number; parts: number },
  extra: { pub?: Record<string, unknown>; sub?: Record<string, unknown> } = {},
): Promise<Record<string, number>> {
  const net = await PgmNet.create(2);
  try {
    await net.setLoss(0, PORT, 10);
    await net.setLoss(1, PORT, 10);
    // A receive window as large as the sender's: libzmq sizes both from `rate`.
    const rate = 10_000;
    const sub = await startPeer(net, 1, subscriber, "sub", {
      ...messages,
      rate,
      timeout: 25,
      ...extra.sub,
    });
    const pub = await startPeer(net, 0, publisher, "pub", {
      ...messages,
      rate,
      hold: 30,
      ...extra.pub,
    });
    try {
      const report = await sub.result;
      report.droppedIntoSubscriber = await net.dropped(1);
      report.droppedIntoPublisher = await net.dropped(0);
      return report;
    } finally {
      pub.kill();
      sub.kill();
      await pub.result.catch(() => {});
    }
  } finally {
    await net.close();
  }
}

/**
 * A subscriber that starts while the publisher is mid-stream: it must
 * begin at a message boundary and miss nothing after it.
 */
async function lateJoin(publisher: Library, subscriber: Library): Promise<Record<string, number>> {
  const net = await PgmNet.create(2);
  try {
    await net.setLoss(0, PORT, 10);
    await net.setLoss(1, PORT, 10);
    // 1 Mbit/s: 250 messages of 1500 bytes take about 3 s.
    const messages = { count: 250, size: 1500, parts: 1, rate: 1000 };
    const pub = await startPeer(net, 0, publisher, "pub", { ...messages, startDelay: 0, hold: 30 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sub = await startPeer(net, 1, subscriber, "sub", {
      ...messages,
      untilLast: true,
      timeout: 20,
    });
    try {
      return await sub.result;
    } finally {
      pub.kill();
      sub.kill();
      await pub.result.catch(() => {});
    }
  } finally {
    await net.close();
  }
}

function assertJoinedLate(report: Record<string, number>): void {
  assert.ok(report.firstSeq > 0, `joined late: ${JSON.stringify(report)}`);
  assert.equal(report.lastSeq, 249, JSON.stringify(report));
  assert.equal(report.received, 250 - report.firstSeq, JSON.stringify(report));
  assert.equal(report.bad, 0);
  assert.equal(report.gaps, 0);
}

/** 300 two-part messages of 3000 bytes (3 TPDUs each), and 4 of 70 000 bytes. */
const MIXED = { count: 300, size: 3000, parts: 2 };
const LARGE = { count: 4, size: 70_000, parts: 3 };

function assertComplete(report: Record<string, number>, expected: { count: number }): void {
  assert.equal(report.received, expected.count, JSON.stringify(report));
  assert.equal(report.bad, 0, JSON.stringify(report));
  assert.equal(report.gaps, 0, JSON.stringify(report));
  assert.equal(report.firstSeq, 0);
  assert.equal(report.lastSeq, expected.count - 1);
  assert.ok(report.droppedIntoSubscriber > 0, `no loss happened: ${JSON.stringify(report)}`);
}

Deno.test({
  name: "epgm interop: libzmq PUB to our SUB with 10 % loss, multipart, nothing lost",
  ignore: skip !== null,
  async fn() {
    assertComplete(await transfer("libzmq", "this", MIXED), MIXED);
  },
});

Deno.test({
  name: "epgm interop: our PUB to libzmq SUB with 10 % loss, multipart, nothing lost",
  ignore: skip !== null,
  async fn() {
    assertComplete(await transfer("this", "libzmq", MIXED), MIXED);
  },
});

Deno.test({
  name: "epgm interop: 70 kB messages (49 TPDUs each) both ways with 10 % loss",
  ignore: skip !== null,
  async fn() {
    assertComplete(await transfer("libzmq", "this", LARGE), LARGE);
    assertComplete(await transfer("this", "libzmq", LARGE), LARGE);
  },
});

Deno.test({
  name: "epgm interop: a late subscriber starts at a whole message (SPMR, join) both ways",
  ignore: skip !== null,
  async fn() {
    assertJoinedLate(await lateJoin("libzmq", "this"));
    assertJoinedLate(await lateJoin("this", "libzmq"));
  },
});

Deno.test({
  name: "epgm: our XPUB to our XSUB (interface by name) in another namespace with 10 % loss",
  ignore: skip !== null,
  async fn() {
    const report = await transfer("this", "this", MIXED, {
      pub: { x: true },
      sub: { x: true, interfaceName: "eth0" },
    });
    assertComplete(report, MIXED);
  },
});
