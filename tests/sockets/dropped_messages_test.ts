import assert from "node:assert/strict";
import { Publisher, Pull, Router, Subscriber } from "../../mod.ts";
import { eventually } from "../helpers.ts";

Deno.test("a Publisher counts one drop per subscriber that missed a message at its high-water mark", async () => {
  const pub = new Publisher({ sendHighWaterMark: 3, linger: 0 });
  await pub.bind("inproc://dropped-pub-" + crypto.randomUUID());
  const slow = new Subscriber({ receiveHighWaterMark: 2 });
  const alsoSlow = new Subscriber({ receiveHighWaterMark: 2 });
  for (const sub of [slow, alsoSlow]) {
    sub.subscribe("");
    sub.connect(pub.lastEndpoint!);
  }
  await eventually(
    () => pub.topicCount === 1 && pub.subscriberCount === 2,
    5000,
    "two subscribers",
  );
  // The inproc queue holds 3 + 2: of 8 messages each subscriber misses 3.
  for (let i = 0; i < 8; i++) await pub.send(String(i));
  assert.equal(pub.droppedMessages, 6);
  [pub, slow, alsoSlow].forEach((s) => s.close());
});

Deno.test("a Router counts messages to unknown peers as dropped", async () => {
  const router = new Router();
  await router.send(["nobody", "lost"]);
  await router.send(["nobody", "lost again"]);
  assert.equal(router.droppedMessages, 2);
  router.close();
});

Deno.test("sockets that wait instead of dropping report none", () => {
  const pull = new Pull();
  assert.equal(pull.droppedMessages, 0);
  pull.close();
});
