// Benchmark program: zeromq.js 6.8.0 PUB→SUB fan-out; the same flags,
// subscriptions and JSON lines as zmtp_fanout.ts (--role server | client,
// --endpoint, --size, --subscribers, --warmup, --duration).
"use strict";
const zmq = require("zeromq");
const { flags, say, Window } = require("./common.cjs");

async function server() {
  const pub = new zmq.Publisher();
  await pub.bind(flags.endpoint);
  say({ endpoint: pub.lastEndpoint });
  const payload = Buffer.alloc(flags.size, 0x61);
  payload[0] = 0x41; // "A"
  for (;;) await pub.send(payload);
}

function client() {
  const matching = Math.ceil(flags.subscribers / 2);
  const window = new Window(flags.warmup, flags.duration);
  const every = 1024;
  let started = 0;
  let total = 0;
  let nextCheck = every;
  const receiveAll = async (sub) => {
    await sub.receive();
    started++;
    for (;;) {
      const msg = await sub.receive();
      if (msg[0].length !== flags.size) throw new Error("wrong size");
      if (started < matching) continue;
      if (++total === nextCheck) {
        nextCheck += every;
        if (window.check(total)) {
          say(window.result(flags.size));
          process.exit(0);
        }
      }
    }
  };
  for (let i = 0; i < flags.subscribers; i++) {
    const sub = new zmq.Subscriber();
    sub.subscribe(i < matching ? "A" : "B");
    sub.connect(flags.endpoint);
    if (i < matching) receiveAll(sub).catch(fail);
  }
}

function fail(err) {
  console.error(err);
  process.exit(1);
}

const main = flags.role === "server" ? server : flags.role === "client" ? client : null;
if (main === null) throw new Error(`unknown --role ${flags.role}`);
Promise.resolve().then(main).catch(fail);
