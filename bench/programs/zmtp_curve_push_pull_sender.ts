/**
 * Benchmark program: this library's PUSH side of PUSH→PULL as a CURVE
 * client (`--mechanism null` for the same program without security).
 * Connects to `--endpoint` and sends `--count` messages of `--size` bytes.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Push } from "../../mod.ts";
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
const security = values.mechanism === "null" ? {} : {
  curveServerKey: keys.server.publicKey,
  curvePublicKey: keys.client.publicKey,
  curveSecretKey: keys.client.secretKey,
};

const push = new Push({ ...security, linger: 30000 });
push.connect(values.endpoint!);
const payload = new Uint8Array(Number(values.size)).fill(0x61);
const count = Number(values.count);
for (let i = 0; i < count; i++) await push.send(payload);
push.close();
