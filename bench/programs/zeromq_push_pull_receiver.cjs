// Benchmark program: zeromq.js 6.8.0 (libzmq 4.3.5) PULL side of PUSH→PULL.
// Same flags and output as zmtp_push_pull_receiver.ts (see bench/protocol.ts).
"use strict";
const zmq = require("zeromq");
const { parseArgs } = require("node:util");

const { values } = parseArgs({
  options: {
    endpoint: { type: "string" },
    size: { type: "string" },
    count: { type: "string" },
  },
});
const size = Number(values.size);
const count = Number(values.count);
const report = (line) => process.stdout.write(JSON.stringify(line) + "\n");

async function main() {
  const pull = new zmq.Pull();
  await pull.bind(values.endpoint);
  report({ endpoint: pull.lastEndpoint });
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
  report({ count: received, bytes, seconds });
  pull.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
