// Benchmark program: this library on Node or Bun (the package
// `deno task build:npm` makes, built by bench/main.ts into dist/bench-npm/),
// PUSH→PULL throughput. Same flags and JSON lines as zeromq_thr.cjs (NULL
// mechanism only): --role receiver | sender | inproc, --endpoint, --size,
// --warmup, --duration.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { flags, say, Window, checkEvery, expectSize } = require("./common.cjs");
const zmq = await import(new URL("../../dist/bench-npm/mod.js", import.meta.url).href);

async function receive(pull) {
  const size = flags.size;
  const window = new Window(flags.warmup, flags.duration);
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

async function send(push) {
  const payload = new Uint8Array(flags.size).fill(0x61);
  for (;;) await push.send(payload);
}

function fail(err) {
  console.error(err);
  process.exit(1);
}

if (flags.role === "receiver") {
  const pull = new zmq.Pull();
  await pull.bind(flags.endpoint);
  say({ endpoint: pull.lastEndpoint });
  await receive(pull);
} else if (flags.role === "sender") {
  const push = new zmq.Push();
  push.connect(flags.endpoint);
  await send(push);
} else if (flags.role === "inproc") {
  const pull = new zmq.Pull();
  await pull.bind("inproc://thr");
  const push = new zmq.Push();
  push.connect("inproc://thr");
  send(push).catch(fail);
  await receive(pull);
} else {
  fail(new Error(`unknown --role ${flags.role}`));
}
process.exit(0);
