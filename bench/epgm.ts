/**
 * epgm throughput between this library and Debian's libzmq 4.3.4 + OpenPGM
 * (python3-zmq), each peer in its own private network namespace joined by
 * a bridge (no loss). Needs root, iproute2, nftables and python3-zmq.
 *
 *   sudo deno run -A bench/epgm.ts [--rate kbit/s] [--count N] [--size bytes]
 *
 * Prints, for each publisher → subscriber pair, the payload rate the
 * subscriber saw from its first to its last message.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { PgmNet, pgmSkipReason } from "../tests/interop/pgm/net.ts";
import { type Library, startPeer } from "../tests/interop/pgm/peers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rate: { type: "string", default: "100" },
    count: { type: "string" },
    size: { type: "string", default: "1000" },
  },
});
const rate = Number(values.rate);
const size = Number(values.size);
// About five seconds of traffic at the rate, at most 50 000 messages.
const count = Number(values.count ?? Math.min(50_000, Math.ceil((rate * 1000 / 8) * 5 / size)));

const skip = await pgmSkipReason();
if (skip) {
  console.log(`skipped: ${skip}`);
  Deno.exit(0);
}

const pairs: [Library, Library][] = [
  ["libzmq", "libzmq"],
  ["this", "libzmq"],
  ["libzmq", "this"],
  ["this", "this"],
];
console.log(`rate ${rate} kbit/s, ${count} × ${size} B messages`);
for (const [publisher, subscriber] of pairs) {
  const net = await PgmNet.create(2);
  try {
    const options = { count, size, parts: 1, rate, timeout: 60 };
    const sub = await startPeer(net, 1, subscriber, "sub", options);
    const pub = await startPeer(net, 0, publisher, "pub", { ...options, hold: 120 });
    const report = await sub.result;
    pub.kill();
    sub.kill();
    await pub.result.catch(() => {});
    const mbit = (report.received * size * 8) / report.seconds / 1e6;
    console.log(
      `${publisher.padEnd(6)} → ${subscriber.padEnd(6)}  ${report.received}/${count} messages in ` +
        `${report.seconds.toFixed(2)} s: ${mbit.toFixed(3)} Mbit/s of payload` +
        (report.bad || report.gaps ? `  (bad ${report.bad}, gaps ${report.gaps})` : ""),
    );
  } finally {
    await net.close();
  }
}
