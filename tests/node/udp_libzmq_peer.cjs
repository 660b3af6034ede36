// libzmq's side of the udp:// tests on Node and Bun: a zeromq.js (libzmq
// 4.3.5, draft API) Dish or Radio in Node. zeromq.js cannot load in Bun
// (its addon needs libuv's uv_poll), so datagram_scenario.mjs starts this
// as a Node child in whatever runtime and network namespace it runs in.
//
// usage: node udp_libzmq_peer.cjs dish ENDPOINT GROUP   prints "ready", then
//          "got <group> <body>" for the first message it receives, and exits
//        node udp_libzmq_peer.cjs radio ENDPOINT GROUP  prints "ready", then sends
//          "skip" to group "other" and "hello" to GROUP every 20 ms until stdin closes
// Either exits with status 2 after 8 s.
"use strict";
process.emitWarning = () => {}; // zeromq/draft's "experimental" warning
const zmq = require("zeromq/draft");

const [role, endpoint, group] = process.argv.slice(2);
setTimeout(() => process.exit(2), 8000).unref();

async function dish() {
  const socket = new zmq.Dish();
  await socket.bind(endpoint);
  socket.join(group);
  console.log("ready");
  const [body, { group: from }] = await socket.receive();
  console.log(`got ${from} ${body.toString()}`);
  socket.close();
}

async function radio() {
  const socket = new zmq.Radio();
  socket.connect(endpoint);
  console.log("ready");
  let open = true;
  process.stdin.on("close", () => open = false).resume();
  for (let i = 0; open && i < 400; i++) {
    await socket.send("skip", { group: "other" });
    await socket.send("hello", { group });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  socket.close();
}

(role === "dish" ? dish() : radio()).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
