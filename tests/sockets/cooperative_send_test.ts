import assert from "node:assert/strict";
import { Dealer, Publisher, Router, Subscriber } from "../../mod.ts";
import { COOPERATIVE_SEND_BATCH } from "../../src/socket.ts";
import { eventually, within } from "../helpers.ts";

Deno.test("a tight publisher loop lets its subscribers keep up instead of dropping", async () => {
  const pub = new Publisher({ linger: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber();
  sub.subscribe();
  sub.connect(pub.lastEndpoint!);
  // Wait until the subscription reached the publisher.
  await eventually(() => pub.topicCount === 1, 5000, "subscription");
  const total = 20_000;
  let received = 0;
  const receiving = (async () => {
    sub.receiveTimeout = 2000;
    try {
      while (received < total) {
        await sub.receive();
        received++;
      }
    } catch { /* timed out: some were dropped */ }
  })();
  const body = new Uint8Array(64);
  // Nothing in this loop waits for I/O: only `send` can give the engines a turn.
  for (let i = 0; i < total; i++) await pub.send(body);
  await within(10_000, receiving);
  // Without yielding, the queue overflows after ~1000 messages and the rest are dropped.
  assert.ok(received > total * 0.9, `only ${received} of ${total} delivered`);
  pub.close();
  sub.close();
});

Deno.test("a ROUTER that waits for each request sends every reply without an event-loop turn's delay", async () => {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer();
  dealer.connect(router.lastEndpoint!);
  const delayed: number[] = [];
  // More round trips than the cooperative batch: a tight send loop would have yielded by now.
  for (let i = 0; i < COOPERATIVE_SEND_BATCH + 50; i++) {
    await dealer.send("ping");
    const [id] = await within(5000, router.receive());
    let settled = false;
    const sending = router.send([id, "pong"]).then(() => settled = true);
    // A send that resolves at once settles within these microtasks; a yield waits for a turn.
    for (let tick = 0; tick < 5; tick++) await Promise.resolve();
    if (!settled) delayed.push(i);
    await sending;
    await within(5000, dealer.receive());
  }
  assert.deepEqual(delayed, []);
  dealer.close();
  router.close();
});
