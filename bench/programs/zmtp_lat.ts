/**
 * Benchmark program: this library's round-trip latency, one request in
 * flight at a time.
 *
 * - `--role server`: binds `--endpoint` as REP (`--pattern reqrep`) or
 *   ROUTER (`--pattern dealerrouter`), prints `{"endpoint"}` and echoes.
 * - `--role client`: connects as REQ or DEALER, sends `--size`-byte
 *   requests, times each round trip through the window and prints
 *   `{"result": {p50, p99, samples}}` in microseconds.
 *
 * @module
 */

import { Dealer, Reply, Request, Router } from "../../mod.ts";
import { parseFlags, percentiles, say } from "./common.ts";

const flags = parseFlags(Deno.args);
const dealerRouter = flags.pattern === "dealerrouter";

if (flags.role === "server") {
  if (dealerRouter) {
    const router = new Router();
    await router.bind(flags.endpoint);
    say({ endpoint: router.lastEndpoint });
    for (;;) await router.send(await router.receive());
  } else {
    const rep = new Reply();
    await rep.bind(flags.endpoint);
    say({ endpoint: rep.lastEndpoint });
    for (;;) await rep.send(await rep.receive());
  }
} else if (flags.role === "client") {
  const client = dealerRouter ? new Dealer() : new Request();
  client.connect(flags.endpoint);
  const payload = new Uint8Array(flags.size).fill(0x61);
  const samples: number[] = [];
  const start = performance.now();
  const open = start + flags.warmupMs;
  const close = open + flags.durationMs;
  for (;;) {
    const before = performance.now();
    await client.send(payload);
    const reply = await client.receive();
    const after = performance.now();
    if (reply[reply.length - 1].length !== flags.size) throw new Error("short reply");
    if (before >= open) samples.push((after - before) * 1000);
    if (after >= close) break;
  }
  say({ result: percentiles(samples) });
  Deno.exit(0);
} else {
  throw new Error(`unknown --role ${flags.role}`);
}
