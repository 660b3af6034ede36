/**
 * Benchmark program: this library's PUSH→PULL throughput.
 *
 * - `--role receiver`: PULL binds `--endpoint`, prints `{"endpoint"}`, then
 *   counts `--size`-byte messages through the window and prints `{"result"}`.
 * - `--role sender`: PUSH connects to `--endpoint` and sends until killed.
 * - `--role inproc`: both in this process over `inproc://`.
 * - `--role receiver-accept`: as receiver, but the PULL takes its ws peers
 *   through `Deno.serve` and `acceptWebSocket` (Deno.upgradeWebSocket)
 *   instead of binding; prints `{"endpoint": "ws://127.0.0.1:port/bench"}`.
 *
 * `--mechanism curve` makes the PULL a CURVE server and the PUSH its client
 * (keys: curve_keys.json, libzmq's test keys).
 *
 * @module
 */

import { Pull, Push } from "../../mod.ts";
import { checkEvery, expectSize, parseFlags, say, Window } from "./common.ts";
import keys from "./curve_keys.json" with { type: "json" };

const flags = parseFlags(Deno.args);
const curve = flags.mechanism === "curve";
const serverSecurity = curve ? { curveServer: true, curveSecretKey: keys.server.secretKey } : {};
const clientSecurity = curve
  ? {
    curveServerKey: keys.server.publicKey,
    curvePublicKey: keys.client.publicKey,
    curveSecretKey: keys.client.secretKey,
  }
  : {};

async function receive(pull: Pull): Promise<void> {
  const { size } = flags;
  const window = new Window(flags.warmupMs, flags.durationMs);
  const every = checkEvery(size);
  let count = 0;
  let nextCheck = every;
  for (;;) {
    expectSize(await pull.receive(), size);
    if (++count === nextCheck) {
      nextCheck += every;
      if (window.check(count)) break;
    }
  }
  say(window.result(size));
}

async function send(push: Push): Promise<void> {
  // One payload for every message: the library neither copies nor changes it.
  const payload = new Uint8Array(flags.size).fill(0x61);
  for (;;) await push.send(payload);
}

if (flags.role === "receiver") {
  const pull = new Pull(serverSecurity);
  await pull.bind(flags.endpoint);
  say({ endpoint: pull.lastEndpoint });
  await receive(pull);
  Deno.exit(0);
} else if (flags.role === "receiver-accept") {
  const pull = new Pull(serverSecurity);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => pull.acceptWebSocket(request),
  );
  say({ endpoint: `ws://127.0.0.1:${server.addr.port}/bench` });
  await receive(pull);
  Deno.exit(0);
} else if (flags.role === "sender") {
  const push = new Push(clientSecurity);
  push.connect(flags.endpoint);
  await send(push);
} else if (flags.role === "inproc") {
  const pull = new Pull();
  await pull.bind("inproc://thr");
  const push = new Push();
  push.connect("inproc://thr");
  send(push).catch((err) => {
    console.error(err);
    Deno.exit(1);
  });
  await receive(pull);
  Deno.exit(0);
} else {
  throw new Error(`unknown --role ${flags.role}`);
}
