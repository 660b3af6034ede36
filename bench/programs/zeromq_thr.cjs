// Benchmark program: zeromq.js 6.8.0 (libzmq 4.3.5) PUSH→PULL throughput.
// Same flags and JSON lines as zmtp_thr.ts (see bench/protocol.ts):
// --role receiver | sender | inproc, --endpoint, --size, --warmup,
// --duration, --mechanism null | curve.
"use strict";
const zmq = require("zeromq");
const { flags, say, Window, checkEvery, expectSize } = require("./common.cjs");
const keys = require("./curve_keys.json");

const curve = flags.mechanism === "curve";
const serverSecurity = curve ? { curveServer: true, curveSecretKey: keys.server.secretKey } : {};
const clientSecurity = curve
  ? {
    curveServerKey: keys.server.publicKey,
    curvePublicKey: keys.client.publicKey,
    curveSecretKey: keys.client.secretKey,
  }
  : {};

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
  const payload = Buffer.alloc(flags.size, 0x61);
  for (;;) await push.send(payload);
}

async function main() {
  if (flags.role === "receiver") {
    const pull = new zmq.Pull(serverSecurity);
    await pull.bind(flags.endpoint);
    say({ endpoint: pull.lastEndpoint });
    await receive(pull);
  } else if (flags.role === "sender") {
    const push = new zmq.Push(clientSecurity);
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
    throw new Error(`unknown --role ${flags.role}`);
  }
  process.exit(0);
}

function fail(err) {
  console.error(err);
  process.exit(1);
}

main().catch(fail);
