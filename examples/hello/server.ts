/**
 * Hello World server: a REP socket that answers each "Hello" with "World".
 *
 *   deno run --allow-net=127.0.0.1 examples/hello/server.ts [endpoint] [requests]
 *   node dist/npm/examples/hello/server.js [endpoint] [requests]   # or bun
 *
 * Binds `endpoint` (default tcp://127.0.0.1:5555) and stops after
 * `requests` requests (default: never). Start it before or after the client.
 *
 * @module
 */

import process from "node:process";
import { Reply } from "../../mod.ts";

const args = process.argv.slice(2);
const endpoint = args[0] ?? "tcp://127.0.0.1:5555";
const limit = Number(args[1] ?? Infinity);

const server = new Reply();
await server.bind(endpoint);
console.log(`server: listening on ${server.lastEndpoint}`);

let served = 0;
for await (const [request] of server) {
  console.log(`server: received ${new TextDecoder().decode(request)}`);
  await server.send("World");
  if (++served >= limit) break;
}
server.close();
