/**
 * One REQ client connected to two REP servers: REQ load-balances, so its
 * requests alternate between the servers (round robin over the peers).
 *
 *   deno run --allow-net=127.0.0.1 examples/lbreq/client.ts [endpointA] [endpointB] [requests]
 *   node dist/npm/examples/lbreq/client.js [endpointA] [endpointB] [requests]   # or bun
 *
 * Defaults: tcp://127.0.0.1:5556, tcp://127.0.0.1:5557, 6 requests. Start
 * the servers (examples/lbreq/server.ts) before or after.
 *
 * @module
 */

import process from "node:process";
import { Request } from "../../mod.ts";

const args = process.argv.slice(2);
const a = args[0] ?? "tcp://127.0.0.1:5556";
const b = args[1] ?? "tcp://127.0.0.1:5557";
const count = Number(args[2] ?? 6);
const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

const client = new Request();
client.connect(a);
client.connect(b);
for (let i = 1; i <= count; i++) {
  await client.send(`request ${i}`);
  const [server, request] = await client.receive();
  console.log(`client: ${text(request)} served by ${text(server)}`);
}
client.close();
