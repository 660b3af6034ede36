// Benchmark program: zeromq.js 6.8.0 (libzmq 4.3.5) PULL side of PUSH→PULL
// as a CURVE server (`--mechanism null` without security). Same flags and
// output as zmtp_curve_push_pull_receiver.ts.
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
const size = Number(values.size);
const count = Number(values.count);
const security = values.mechanism === "null"
  ? {}
  : { curveServer: true, curveSecretKey: keys.server.secretKey };

async function main() {
  const pull = new zmq.Pull(security);
  await pull.bind(values.endpoint);
  console.log(JSON.stringify({ endpoint: pull.lastEndpoint }));
  let received = 0;
  let bytes = 0;
  let first = 0n;
  while (received < count) {
    const msg = await pull.receive();
    if (received === 0) first = process.hrtime.bigint();
    if (msg.length !== 1 || msg[0].length !== size) {
      throw new Error(`message ${received} has ${msg.length} frames of ${msg[0]?.length} bytes`);
    }
    bytes += msg[0].length;
    received++;
  }
  const seconds = Number(process.hrtime.bigint() - first) / 1e9;
  console.log(JSON.stringify({ count: received, bytes, seconds }));
  pull.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
