/**
 * Benchmark program: many connections to one socket of this library, the
 * server side of bench/c/conns.c (whose client makes the connections, so the
 * peers are libzmq's whichever library serves).
 *
 * `--role server --pattern pub|router --count N`: binds an XPublisher
 * (verbose: every subscription is seen; it delivers as a Publisher does) or
 * a Router, prints `{"endpoint"}`, waits for N peers (N subscriptions, or N
 * hello messages), then prints `{"result": {rssBytesPerConnection,
 * heapBytesPerConnection, externalBytesPerConnection, acceptedPerSecond,
 * connections}}` (memory after a full GC, against the same before binding)
 * and, for pub, publishes `--rounds` messages, `--gap` ms apart, each
 * holding its send time (microseconds since the epoch, as text).
 *
 * @module
 */

import { Router, XPublisher } from "../../mod.ts";
import { parseFlags, say } from "./common.ts";

const flags = parseFlags(Deno.args);
const pub = flags.pattern === "pub";
const n = flags.count;

function memory(): Deno.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage();
}

if (flags.role !== "server") throw new Error(`unknown --role ${flags.role}`);
const before = memory();
const socket = pub
  ? new XPublisher({ verbose: true, receiveHighWaterMark: 0 })
  : new Router({ receiveHighWaterMark: 0 });
await socket.bind(flags.endpoint);
say({ endpoint: socket.lastEndpoint });
let first = -1;
for (let peers = 0; peers < n; peers++) {
  await socket.receive();
  if (first < 0) first = performance.now();
}
const seconds = (performance.now() - first) / 1000;
// Let the last connections' reads settle before measuring.
await new Promise((resolve) => setTimeout(resolve, 200));
const after = memory();
say({
  result: {
    rssBytesPerConnection: (after.rss - before.rss) / n,
    heapBytesPerConnection: (after.heapUsed - before.heapUsed) / n,
    externalBytesPerConnection: (after.external - before.external) / n,
    acceptedPerSecond: n / Math.max(seconds, 1e-6),
    connections: n,
  },
});
for (let round = 0; pub && round < flags.rounds; round++) {
  if (round > 0) await new Promise((resolve) => setTimeout(resolve, flags.gapMs));
  const sentUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
  await (socket as XPublisher).send(String(sentUs));
}
await new Promise(() => {});
