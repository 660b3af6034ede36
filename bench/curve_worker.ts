/**
 * One side of a CURVE/NULL throughput run with this library, started by
 * bench/curve.ts:
 *
 *   deno run -A bench/curve_worker.ts pull|push null|curve SIZE COUNT ENDPOINT
 *
 * Keys come in BENCH_KEYS (JSON). `pull` binds, prints `ENDPOINT <ep>`, then
 * `RESULT <json>` once COUNT messages arrived (timed from the first to the
 * last); `push` connects and sends COUNT messages of SIZE bytes.
 */

import { Pull, Push } from "../mod.ts";

const [role, mechanism, sizeText, countText, endpoint] = Deno.args;
const size = Number(sizeText);
const count = Number(countText);
const keys = JSON.parse(Deno.env.get("BENCH_KEYS") ?? "{}");

function securityOptions(asServer: boolean): Record<string, unknown> {
  if (mechanism !== "curve") return {};
  return asServer ? { curveServer: true, curveSecretKey: keys.server.secretKey } : {
    curveServerKey: keys.server.publicKey,
    curvePublicKey: keys.client.publicKey,
    curveSecretKey: keys.client.secretKey,
  };
}

if (role === "pull") {
  const pull = new Pull(securityOptions(true));
  await pull.bind(endpoint);
  console.log(`ENDPOINT ${pull.lastEndpoint}`);
  await pull.receive();
  const start = performance.now();
  let bytes = 0;
  for (let i = 1; i < count; i++) bytes += (await pull.receive())[0].length;
  const seconds = (performance.now() - start) / 1000;
  console.log(`RESULT ${JSON.stringify({ messages: count - 1, bytes, seconds })}`);
  pull.close();
} else {
  const push = new Push(securityOptions(false));
  push.connect(endpoint);
  const body = new Uint8Array(size).fill(0x61);
  for (let i = 0; i < count; i++) await push.send(body);
  push.close();
}
