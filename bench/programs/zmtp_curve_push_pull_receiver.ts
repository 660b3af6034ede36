/**
 * Benchmark program: this library's PULL side of PUSH→PULL as a CURVE
 * server (`--mechanism null` for the same program without security).
 *
 * Binds `--endpoint`, prints `{"endpoint": …}`, receives `--count` messages
 * of `--size` bytes, and prints `{"count", "bytes", "seconds"}` timed from
 * the first message to the last (the protocol of bench/main.ts). Keys:
 * bench/programs/curve_keys.json.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Pull } from "../../mod.ts";
import keys from "./curve_keys.json" with { type: "json" };

const { values } = parseArgs({
  args: Deno.args,
  options: {
    endpoint: { type: "string" },
    size: { type: "string" },
    count: { type: "string" },
    mechanism: { type: "string", default: "curve" },
  },
});
const size = Number(values.size);
const count = Number(values.count);
const security = values.mechanism === "null"
  ? {}
  : { curveServer: true, curveSecretKey: keys.server.secretKey };

const pull = new Pull(security);
await pull.bind(values.endpoint!);
console.log(JSON.stringify({ endpoint: pull.lastEndpoint }));

let received = 0;
let bytes = 0;
let first = 0;
while (received < count) {
  const msg = await pull.receive();
  if (received === 0) first = performance.now();
  if (msg.length !== 1 || msg[0].length !== size) {
    throw new Error(`message ${received} has ${msg.length} frames of ${msg[0]?.length} bytes`);
  }
  bytes += msg[0].length;
  received++;
}
const seconds = (performance.now() - first) / 1000;
console.log(JSON.stringify({ count: received, bytes, seconds }));
pull.close();
