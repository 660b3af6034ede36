/**
 * Benchmark program: this library's round-trip latency, one request in
 * flight at a time.
 *
 * - `--role server`: binds `--endpoint` as REP (`--pattern reqrep` or
 *   `handshake`) or ROUTER (`--pattern dealerrouter`), prints
 *   `{"endpoint"}` and echoes.
 * - `--role client`: connects as REQ or DEALER, sends `--size`-byte
 *   requests, times each round trip through the window and prints
 *   `{"result": {p50, p90, p99, p999, samples}}` in microseconds.
 * - `--pattern handshake`: the client opens a new REQ for every round trip
 *   (connect, handshake, one request and its reply, close) and prints
 *   `{"result": {messages, seconds, bytes}}`, messages being handshakes.
 *
 * `--mechanism curve` makes the server a CURVE server and the clients its
 * clients (keys: curve_keys.json).
 *
 * @module
 */

import { Dealer, Reply, Request, Router } from "../../mod.ts";
import { parseFlags, percentiles, say } from "./common.ts";
import keys from "./curve_keys.json" with { type: "json" };

const flags = parseFlags(Deno.args);
const dealerRouter = flags.pattern === "dealerrouter";
const curve = flags.mechanism === "curve";
const serverSecurity = curve ? { curveServer: true, curveSecretKey: keys.server.secretKey } : {};
const clientSecurity = curve
  ? {
    curveServerKey: keys.server.publicKey,
    curvePublicKey: keys.client.publicKey,
    curveSecretKey: keys.client.secretKey,
  }
  : {};

/** Whole connections: a fresh REQ for each round trip, until the window closes. */
async function handshakes(): Promise<void> {
  const payload = new Uint8Array(flags.size).fill(0x61);
  const open = performance.now() + flags.warmupMs;
  let count = 0;
  let openCount = 0;
  let openAt = -1;
  for (;;) {
    const req = new Request({ ...clientSecurity, linger: 0 });
    req.connect(flags.endpoint);
    await req.send(payload);
    await req.receive();
    req.close();
    count++;
    const now = performance.now();
    if (openAt < 0 && now >= open) [openAt, openCount] = [now, count];
    if (openAt >= 0 && now - openAt >= flags.durationMs) {
      say({ result: { messages: count - openCount, seconds: (now - openAt) / 1000, bytes: 0 } });
      Deno.exit(0);
    }
  }
}

if (flags.role === "server") {
  if (dealerRouter) {
    const router = new Router();
    await router.bind(flags.endpoint);
    say({ endpoint: router.lastEndpoint });
    for (;;) await router.send(await router.receive());
  } else {
    const rep = new Reply(serverSecurity);
    await rep.bind(flags.endpoint);
    say({ endpoint: rep.lastEndpoint });
    for (;;) await rep.send(await rep.receive());
  }
} else if (flags.role === "client" && flags.pattern === "handshake") {
  await handshakes();
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
