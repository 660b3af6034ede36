/**
 * Relay throughput: one publisher floods M messages through
 * examples/relay.ts (its own process) to N subscribers; how many messages
 * per second cross the relay, and how many deliveries it makes.
 *
 *   deno run --allow-net=127.0.0.1 --allow-run --allow-read bench/relay.ts \
 *     [subscribers=10] [messages=200000] [size=16] [hwm=0]
 *
 * `hwm` is the relay's high-water mark per peer (0: unlimited, so nothing
 * is dropped and the figure is the forwarding rate; 1000: the default, and
 * subscribers that fall behind lose messages, reported as lost). The
 * publisher and the subscribers share this process; the relay has its own.
 *
 * @module
 */

import { Publisher, Subscriber } from "../mod.ts";

const subscriberCount = Number(Deno.args[0] ?? 10);
const messages = Number(Deno.args[1] ?? 200000);
const size = Number(Deno.args[2] ?? 16);
const hwm = Number(Deno.args[3] ?? 0);

const relay = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net=127.0.0.1",
    ...(Deno.env.get("RELAY_DENO_FLAGS")?.split(" ").filter((f) => f) ?? []),
    new URL("../examples/relay.ts", import.meta.url).pathname,
    "--frontend",
    "tcp://127.0.0.1:*",
    "--backend",
    "tcp://127.0.0.1:*",
    "--hwm",
    String(hwm),
    "--stats-interval",
    "1",
  ],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const lines = relay.stdout.pipeThrough(new TextDecoderStream()).getReader();
let buffered = "";
const endpoints: Record<string, string> = {};
while (!("ready" in endpoints)) {
  const { value, done } = await lines.read();
  if (done) throw new Error("the relay exited");
  buffered += value;
  for (const line of buffered.split("\n").slice(0, -1)) {
    const m = line.match(/^(frontend|backend) listening on (\S+)$/);
    if (m) endpoints[m[1]] = m[2];
    if (line === "relay ready") endpoints.ready = "";
  }
  buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
}
// The relay's stats lines, shown as they come.
const echoing = (async () => {
  for (;;) {
    const { value, done } = await lines.read();
    if (done) return;
    for (const line of value.split("\n")) if (line.startsWith("stats:")) console.log(`  ${line}`);
  }
})();

const pub = new Publisher({ sendHighWaterMark: 0, linger: 0 });
pub.connect(endpoints.frontend);
const subs: Subscriber[] = [];
for (let i = 0; i < subscriberCount; i++) {
  const sub = new Subscriber({ receiveHighWaterMark: 0 });
  sub.subscribe("");
  sub.connect(endpoints.backend);
  subs.push(sub);
}

// Warm up until every subscriber hears the publisher through the relay.
const warm = new Set<Subscriber>();
const warming = subs.map(async (sub) => {
  const [first] = await sub.receive();
  if (first[0] === 0x77) warm.add(sub); // "w"
});
while (warm.size < subs.length) {
  await pub.send("w");
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await Promise.all(warming);

const payload = new Uint8Array(size).fill(0x64); // "d…"
const end = new Uint8Array([0x65]); // "e"
const start = performance.now();
const received = subs.map(async (sub) => {
  let count = 0;
  for (;;) {
    const [frame] = await sub.receive();
    if (frame[0] === 0x65) return count;
    if (frame[0] === 0x64) count++;
  }
});
for (let i = 0; i < messages; i++) {
  await pub.send(payload);
  if (i % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 0));
}
// The end marker may itself be dropped at a full subscriber: repeat it until all have it.
let finished = false;
const all = Promise.all(received).finally(() => finished = true);
let seconds = 0;
all.then(() => seconds = (performance.now() - start) / 1000);
while (!finished) {
  await pub.send(end);
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 100))]);
}
const counts = await all;
const lost = counts.reduce((sum, c) => sum + (messages - c), 0);
const rate = Math.round(messages / seconds);
console.log(
  `relay, ${subscriberCount} subscriber(s), ${messages} × ${size} B, hwm ${hwm}: ` +
    `${rate.toLocaleString("en")} msg/s through the relay, ` +
    `${Math.round((messages * subscriberCount - lost) / seconds).toLocaleString("en")} ` +
    `deliveries/s, ${lost} lost`,
);

pub.close();
for (const sub of subs) sub.close();
relay.kill("SIGTERM");
await relay.status;
await echoing;
