/**
 * A REP worker behind the broker: it sees only the request body (REP strips
 * the envelope the broker kept) and answers with its name.
 *
 *   deno run --allow-net=127.0.0.1 examples/broker/worker.ts [backend] [name]
 *
 * @module
 */

import { Reply } from "../../mod.ts";

const endpoint = Deno.args[0] ?? "tcp://127.0.0.1:5560";
const name = Deno.args[1] ?? "worker";

const worker = new Reply();
worker.connect(endpoint);
console.log(`${name}: connected to ${endpoint}`);
for await (const [request] of worker) {
  await worker.send([request, "done by", name]);
}
