// Benchmark program: zeromq.js 6.8.0 round-trip latency; the same flags and
// JSON lines as zmtp_lat.ts (--role server | client, --pattern reqrep |
// dealerrouter | handshake, --mechanism null | curve, --endpoint, --size,
// --warmup, --duration).
"use strict";
const zmq = require("zeromq");
const { flags, say, percentiles } = require("./common.cjs");
const keys = require("./curve_keys.json");

const dealerRouter = flags.pattern === "dealerrouter";
const curve = flags.mechanism === "curve";
const serverSecurity = curve ? { curveServer: true, curveSecretKey: keys.server.secretKey } : {};
const clientSecurity = curve
  ? {
    curveServerKey: keys.server.publicKey,
    curvePublicKey: keys.client.publicKey,
    curveSecretKey: keys.client.secretKey,
  }
  : {};

// Whole connections: a fresh REQ for each round trip, until the window closes.
async function handshakes() {
  const payload = Buffer.alloc(flags.size, 0x61);
  const open = performance.now() + flags.warmup;
  let count = 0;
  let openCount = 0;
  let openAt = -1;
  for (;;) {
    const req = new zmq.Request({ ...clientSecurity, linger: 0 });
    req.connect(flags.endpoint);
    await req.send(payload);
    await req.receive();
    req.close();
    count++;
    const now = performance.now();
    if (openAt < 0 && now >= open) [openAt, openCount] = [now, count];
    if (openAt >= 0 && now - openAt >= flags.duration) {
      say({ result: { messages: count - openCount, seconds: (now - openAt) / 1000, bytes: 0 } });
      process.exit(0);
    }
  }
}

async function server() {
  const socket = dealerRouter ? new zmq.Router() : new zmq.Reply(serverSecurity);
  await socket.bind(flags.endpoint);
  say({ endpoint: socket.lastEndpoint });
  for (;;) await socket.send(await socket.receive());
}

async function client() {
  const socket = dealerRouter ? new zmq.Dealer() : new zmq.Request();
  socket.connect(flags.endpoint);
  const payload = Buffer.alloc(flags.size, 0x61);
  const samples = [];
  const start = performance.now();
  const open = start + flags.warmup;
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

const main = flags.role === "server"
  ? server
  : flags.role === "client"
  ? (flags.pattern === "handshake" ? handshakes : client)
  : null;
if (main === null) throw new Error(`unknown --role ${flags.role}`);
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
