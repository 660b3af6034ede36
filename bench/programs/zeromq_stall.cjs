// Benchmark program: zeromq.js 6.8.0 stalled consumer; the same flags and
// JSON lines as zmtp_stall.ts (--role receiver | sender, --endpoint,
// --size, --count; the receiver reports on SIGUSR2). Run with --expose-gc.
"use strict";
const zmq = require("zeromq");
const { flags, say } = require("./common.cjs");

async function receiver() {
  const pull = new zmq.Pull({ receiveHighWaterMark: 0 });
  await pull.bind(flags.endpoint);
  say({ endpoint: pull.lastEndpoint });
  // A signal listener does not keep Node running: a timer does, until the signal.
  const alive = setInterval(() => {}, 1000);
  await new Promise((resolve) => process.once("SIGUSR2", resolve));
  clearInterval(alive);
  if (global.gc) global.gc();
  const { rss, heapUsed } = process.memoryUsage();
  pull.receiveTimeout = 500;
  let queued = 0;
  try {
    for (;;) {
      await pull.receive();
      queued++;
    }
  } catch { /* EAGAIN: drained */ }
  say({ result: { rssBytes: rss, heapBytes: heapUsed, queued } });
  process.exit(0);
}

async function sender() {
  const push = new zmq.Push({ linger: 30000 });
  push.connect(flags.endpoint);
  const payload = Buffer.alloc(flags.size, 0x61);
  for (let i = 0; i < flags.count; i++) await push.send(payload);
  push.close();
}

const main = flags.role === "receiver" ? receiver : flags.role === "sender" ? sender : null;
if (main === null) throw new Error(`unknown --role ${flags.role}`);
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
