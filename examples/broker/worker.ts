/**
 * A REP worker behind the broker: it sees only the request body (REP strips
 * the envelope the broker kept) and answers with its name.
 *
 *   deno run --allow-net=127.0.0.1 examples/broker/worker.ts [backend] [name]
 *   node dist/npm/examples/broker/worker.js [backend] [name]   # or bun
 *
 * @module
 */

import process from "node:process";
import { Reply } from "../../mod.ts";

const args = process.argv.slice(2);
const endpoint = args[0] ?? "tcp://127.0.0.1:5560";
const name = args[1] ?? "worker";

const worker = new Reply();
worker.connect(endpoint);
console.log(`${name}: connected to ${endpoint}`);
for await (const [request] of worker) {
  await worker.send([request, "done by", name]);
}
