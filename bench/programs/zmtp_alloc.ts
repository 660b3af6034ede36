/**
 * Measuring program (not part of `deno task bench`): what one round trip
 * leaves for the garbage collector. A client and a server (REQ/REP, or
 * DEALER/ROUTER with `--pattern dealerrouter`) in this one process talk over
 * tcp, one 64-byte request in flight; after a warm-up of 20,000 round trips,
 * the JS heap's growth over 2,000 round trips is printed per round trip
 * (both sockets, Deno's own reads and writes included), five times.
 *
 * The young generation must be large enough that no collection runs inside
 * a measurement, so run it as
 *
 * ```
 * deno run -A --v8-flags=--max-semi-space-size=512,--min-semi-space-size=512 \
 *   bench/programs/zmtp_alloc.ts [--pattern dealerrouter]
 * ```
 *
 * With `--count N` it instead runs N round trips and exits: under
 * `--v8-flags=--trace-gc`, the number of `Scavenge` lines per N is the
 * collections the traffic causes (load-independent, unlike a latency
 * percentile).
 *
 * @module
 */

import { Dealer, Reply, Request, Router } from "../../mod.ts";
import { parseFlags, say } from "./common.ts";

const flags = parseFlags(Deno.args);
const dealerRouter = flags.pattern === "dealerrouter";
const server = dealerRouter ? new Router() : new Reply();
await server.bind("tcp://127.0.0.1:*");
const client = dealerRouter ? new Dealer() : new Request();
client.connect(server.lastEndpoint!);
(async () => {
  for (;;) await server.send(await server.receive());
})().catch(() => {});
const payload = new Uint8Array(64).fill(0x61);

async function roundTrips(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await client.send(payload);
    await client.receive();
  }
}

if (flags.count > 0) {
  await roundTrips(flags.count);
} else {
  await roundTrips(20_000);
  const perRoundTrip: number[] = [];
  for (let k = 0; k < 5; k++) {
    const before = Deno.memoryUsage().heapUsed;
    await roundTrips(2_000);
    perRoundTrip.push(Math.round((Deno.memoryUsage().heapUsed - before) / 2_000));
  }
  say({ pattern: flags.pattern, heapBytesPerRoundTrip: perRoundTrip });
}
client.close();
server.close();
Deno.exit(0);
