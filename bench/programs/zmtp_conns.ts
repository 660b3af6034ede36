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
 * connections}}` (memory after a full GC, against the same before binding);
 * for pub it first publishes `--rounds` messages, each holding its send time
 * (microseconds since the epoch, as text) and followed by a `--gap` ms pause,
 * and adds `cpuUsPerConnection`: the median over the rounds of this
 * process's CPU time from a send to the end of its pause, per peer.
 *
 * @module
 */

import { Router, XPublisher } from "../../mod.ts";
import { parseFlags, publishRounds, say } from "./common.ts";

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
const result: Record<string, number> = {
  rssBytesPerConnection: (after.rss - before.rss) / n,
  heapBytesPerConnection: (after.heapUsed - before.heapUsed) / n,
  externalBytesPerConnection: (after.external - before.external) / n,
  acceptedPerSecond: n / Math.max(seconds, 1e-6),
  connections: n,
};
if (pub && flags.rounds > 0) {
  const publisher = socket as XPublisher;
  result.cpuUsPerConnection = await publishRounds(
    flags.rounds,
    flags.gapMs,
    n,
    (text) => publisher.send(text),
  );
}
say({ result });
await new Promise(() => {});
