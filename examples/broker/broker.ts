/**
 * A request-reply queue broker: REQ clients connect to its ROUTER frontend,
 * REP workers to its DEALER backend. Each request is passed on with its
 * envelope (the client's routing id and the delimiter), so the reply finds
 * its way back; the DEALER load-balances requests over the workers.
 *
 *   deno run --allow-net=127.0.0.1 examples/broker/broker.ts [frontend] [backend]
 *   node dist/npm/examples/broker/broker.js [frontend] [backend]   # or bun
 *
 * Defaults: tcp://127.0.0.1:5559 (clients) and tcp://127.0.0.1:5560 (workers).
 * This is the loop that `proxy(frontend, backend)` runs for you.
 *
 * @module
 */

import process from "node:process";
import { Dealer, Router } from "../../mod.ts";

const [frontendEndpoint = "tcp://127.0.0.1:5559", backendEndpoint = "tcp://127.0.0.1:5560"] =
  process.argv.slice(2);

const frontend = new Router();
const backend = new Dealer();
await frontend.bind(frontendEndpoint);
await backend.bind(backendEndpoint);
console.log(`broker: clients on ${frontend.lastEndpoint}, workers on ${backend.lastEndpoint}`);

/** Moves every message from one socket to the other, as it is. */
async function forward(from: Router | Dealer, to: Router | Dealer): Promise<void> {
  for await (const msg of from) await to.send(msg);
}

await Promise.all([forward(frontend, backend), forward(backend, frontend)]);
