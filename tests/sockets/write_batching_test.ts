import assert from "node:assert/strict";
import { Publisher, Reply, Request, Subscriber } from "../../mod.ts";
import { within } from "../helpers.ts";

/**
 * Runs `body` while every connection this process opens with `Deno.connect`
 * counts its writes into the returned counter.
 */
async function countingConnectWrites(body: (writes: { count: number }) => Promise<void>) {
  const writes = { count: 0 };
  const connect = Deno.connect;
  // deno-lint-ignore no-explicit-any
  (Deno as any).connect = async (options: Deno.ConnectOptions) => {
    const conn = await connect(options);
    const write = conn.write.bind(conn);
    conn.write = (data: Uint8Array) => {
      writes.count++;
      return write(data);
    };
    return conn;
  };
  try {
    await body(writes);
  } finally {
    // deno-lint-ignore no-explicit-any
    (Deno as any).connect = connect;
  }
}

Deno.test("a publisher's bursts go out in writes of a burst each, not a first message alone", async () => {
  await countingConnectWrites(async (writes) => {
    const sub = new Subscriber();
    sub.subscribe();
    await sub.bind("tcp://127.0.0.1:*");
    // The publisher connects, so its connection is the counted one.
    const pub = new Publisher();
    pub.connect(sub.lastEndpoint!);
    // Probes until the subscription has reached the publisher, then the probes still in flight.
    sub.receiveTimeout = 100;
    let subscribed = false;
    for (let attempt = 0; attempt < 100 && !subscribed; attempt++) {
      await pub.send("probe");
      subscribed = await sub.receive().then(() => true, () => false);
    }
    assert.ok(subscribed, "the subscription never reached the publisher");
    while (await sub.receive().then(() => true, () => false));
    sub.receiveTimeout = 5000;
    const total = 20_000;
    const before = writes.count;
    const body = new Uint8Array(16);
    // A tight loop: the publisher yields a turn every 256 sends, and each
    // yield is when the engine writes what the burst queued.
    for (let i = 0; i < total; i++) await pub.send(body);
    for (let i = 0; i < total; i++) await sub.receive();
    const perWrite = total / (writes.count - before);
    assert.ok(perWrite >= 200, `only ${perWrite.toFixed(1)} messages per write`);
    pub.close();
    sub.close();
  });
});

Deno.test("request and reply each go out in one write of their own", async () => {
  await countingConnectWrites(async (writes) => {
    const rep = new Reply();
    await rep.bind("tcp://127.0.0.1:*");
    const req = new Request();
    req.connect(rep.lastEndpoint!);
    await req.send("warm-up");
    await rep.send(await within(5000, rep.receive()));
    await within(5000, req.receive());
    const before = writes.count;
    for (let i = 0; i < 100; i++) {
      await req.send("ping");
      await rep.send(await within(5000, rep.receive()));
      await within(5000, req.receive());
    }
    assert.equal(writes.count - before, 100);
    req.close();
    rep.close();
  });
});
