/**
 * A REQ client of the broker: sends its requests to the broker's frontend
 * as if it were the server.
 *
 *   deno run --allow-net=127.0.0.1 examples/broker/client.ts [frontend] [name] [requests]
 *   node dist/npm/examples/broker/client.js [frontend] [name] [requests]   # or bun
 *
 * @module
 */

import process from "node:process";
import { Request } from "../../mod.ts";

const args = process.argv.slice(2);
const endpoint = args[0] ?? "tcp://127.0.0.1:5559";
const name = args[1] ?? "client";
const count = Number(args[2] ?? 5);
const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

const client = new Request();
client.connect(endpoint);
for (let i = 1; i <= count; i++) {
  await client.send(`${name} job ${i}`);
  const reply = await client.receive();
  console.log(`${name}: ${reply.map(text).join(" ")}`);
}
client.close();
