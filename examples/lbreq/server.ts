/**
 * A named REP server for the load-balancing example: answers every request
 * with its own name.
 *
 *   deno run --allow-net=127.0.0.1 examples/lbreq/server.ts <endpoint> <name>
 *   node dist/npm/examples/lbreq/server.js <endpoint> <name>   # or bun
 *
 * @module
 */

import process from "node:process";
import { Reply } from "../../mod.ts";

const [endpoint = "tcp://127.0.0.1:5556", name = "server"] = process.argv.slice(2);

const server = new Reply();
await server.bind(endpoint);
console.log(`${name}: listening on ${server.lastEndpoint}`);
for await (const [request] of server) {
  await server.send([name, request]);
}
