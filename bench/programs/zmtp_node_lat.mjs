// Benchmark program: this library on Node or Bun (dist/bench-npm/, see
// zmtp_node_thr.mjs), round-trip latency. Same flags and JSON lines as
// zeromq_lat.cjs: --role server | client, --pattern reqrep | dealerrouter,
// --endpoint, --size, --warmup, --duration (NULL mechanism only).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { flags, say, percentiles } = require("./common.cjs");
const zmq = await import(new URL("../../dist/bench-npm/mod.js", import.meta.url).href);

const dealerRouter = flags.pattern === "dealerrouter";

async function server() {
  const socket = dealerRouter ? new zmq.Router() : new zmq.Reply();
  await socket.bind(flags.endpoint);
  say({ endpoint: socket.lastEndpoint });
  for (;;) await socket.send(await socket.receive());
}

async function client() {
  const socket = dealerRouter ? new zmq.Dealer() : new zmq.Request();
  socket.connect(flags.endpoint);
  const payload = new Uint8Array(flags.size).fill(0x61);
  const samples = [];
  const open = performance.now() + flags.warmup;
  const close = open + flags.duration;
  for (;;) {
    const before = performance.now();
    await socket.send(payload);
    const reply = await socket.receive();
    const after = performance.now();
    if (reply[reply.length - 1].length !== flags.size) throw new Error("short reply");
    if (before >= open) samples.push((after - before) * 1000);
    if (after >= close) break;
  }
  say({ result: percentiles(samples) });
  process.exit(0);
}

const main = flags.role === "server" ? server : flags.role === "client" ? client : null;
if (main === null) throw new Error(`unknown --role ${flags.role}`);
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
