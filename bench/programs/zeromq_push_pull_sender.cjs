// Benchmark program: zeromq.js 6.8.0 (libzmq 4.3.5) PUSH side of PUSH→PULL.
// Same flags as zmtp_push_pull_sender.ts (see bench/protocol.ts).
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

async function main() {
  const push = new zmq.Push({ linger: 30000 });
  push.connect(values.endpoint);
  const payload = Buffer.alloc(size, 0x61);
  for (let i = 0; i < count; i++) await push.send(payload);
  push.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
