/**
 * PUB → N SUB fan-out: how long until each of N subscribers has received
 * every one of M messages. High-water marks are off so nothing is dropped
 * and the figure is the delivery rate, not the drop rate.
 *
 *   deno run --allow-net=127.0.0.1 bench/pubsub_fanout.ts [tcp|inproc] [messages] [size]
 *
 * Prints one line per subscriber count (1, 10, 100): messages sent per
 * second and messages delivered per second (sent × subscribers).
 *
 * @module
 */

import { Publisher, Subscriber } from "../mod.ts";

const transport = Deno.args[0] ?? "tcp";
const messages = Number(Deno.args[1] ?? 100000);
const size = Number(Deno.args[2] ?? 16);

async function run(subscriberCount: number): Promise<void> {
  const pub = new Publisher({ sendHighWaterMark: 0, linger: 0 });
  const endpoint = transport === "inproc"
    ? `inproc://fanout-${subscriberCount}`
    : "tcp://127.0.0.1:*";
  await pub.bind(endpoint);
  const subs: Subscriber[] = [];
  for (let i = 0; i < subscriberCount; i++) {
    const sub = new Subscriber({ receiveHighWaterMark: 0 });
    sub.subscribe("");
    sub.connect(pub.lastEndpoint!);
    subs.push(sub);
  }
  while (pub.topicCount === 0 || !(await allConnected(pub, subs))) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const payload = new Uint8Array(size);
  const start = performance.now();
  const done = subs.map(async (sub) => {
    for (let i = 0; i < messages; i++) await sub.receive();
  });
  for (let i = 0; i < messages; i++) {
    await pub.send(payload);
    if (i % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await Promise.all(done);
  const seconds = (performance.now() - start) / 1000;
  const rate = Math.round(messages / seconds);
  console.log(
    `${transport} ${subscriberCount} subscriber(s), ${messages} × ${size} B: ` +
      `${rate.toLocaleString("en")} msg/s sent, ` +
      `${(rate * subscriberCount).toLocaleString("en")} msg/s delivered`,
  );
  for (const sub of subs) sub.close();
  pub.close();
}

/** Sends a probe until every subscriber has one, then drains: all are connected and subscribed. */
async function allConnected(pub: Publisher, subs: Subscriber[]): Promise<boolean> {
  await pub.send("probe");
  await new Promise((resolve) => setTimeout(resolve, 20));
  let all = true;
  for (const sub of subs) {
    sub.receiveTimeout = 0;
    let got = false;
    try {
      for (;;) {
        await sub.receive();
        got = true;
      }
    } catch { /* EAGAIN: drained */ }
    sub.receiveTimeout = -1;
    if (!got) all = false;
  }
  return all;
}

for (const count of [1, 10, 100]) await run(count);
