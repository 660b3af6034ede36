// Benchmark program: zeromq.js 6.8.0 (libzmq 4.3.5) PUSH side of PUSH→PULL
// as a CURVE client (`--mechanism null` without security). Same flags as
// zmtp_curve_push_pull_sender.ts.
"use strict";
const zmq = require("zeromq");
const { parseArgs } = require("node:util");
const keys = require("./curve_keys.json");

const { values } = parseArgs({
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

async function main() {
  const push = new zmq.Push({ ...security, linger: 30000 });
  push.connect(values.endpoint);
  const payload = Buffer.alloc(Number(values.size), 0x61);
  const count = Number(values.count);
  for (let i = 0; i < count; i++) await push.send(payload);
  push.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
