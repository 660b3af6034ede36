// One side of a CURVE/NULL throughput run with zeromq.js (libzmq 4.3.5),
// started by bench/curve.ts; same arguments and output as curve_worker.ts:
//   node bench/curve_worker.cjs pull|push null|curve SIZE COUNT ENDPOINT
"use strict";
const zmq = require("zeromq");

const [role, mechanism, sizeText, countText, endpoint] = process.argv.slice(2);
const size = Number(sizeText);
const count = Number(countText);
const keys = JSON.parse(process.env.BENCH_KEYS || "{}");

function securityOptions(asServer) {
  if (mechanism !== "curve") return {};
  return asServer ? { curveServer: true, curveSecretKey: keys.server.secretKey } : {
    curveServerKey: keys.server.publicKey,
    curvePublicKey: keys.client.publicKey,
    curveSecretKey: keys.client.secretKey,
  };
}

async function main() {
  if (role === "pull") {
    const pull = new zmq.Pull(securityOptions(true));
    await pull.bind(endpoint);
    console.log(`ENDPOINT ${pull.lastEndpoint}`);
    await pull.receive();
    const start = process.hrtime.bigint();
    let bytes = 0;
    for (let i = 1; i < count; i++) bytes += (await pull.receive())[0].length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`RESULT ${JSON.stringify({ messages: count - 1, bytes, seconds })}`);
    pull.close();
  } else {
    const push = new zmq.Push({ ...securityOptions(false), linger: -1 });
    push.connect(endpoint);
    const body = Buffer.alloc(size, 0x61);
    for (let i = 0; i < count; i++) await push.send(body);
    push.close();
  }
}
main();
