/**
 * QUEUE device (libzmq's ZMQ_QUEUE): a ROUTER frontend for REQ (or DEALER)
 * clients, a DEALER backend for REP (or ROUTER) workers, and `proxy()`
 * between them. Requests are load-balanced over the workers; each reply
 * finds its way back to its client through the envelope.
 *
 *   deno run --allow-net examples/devices/queue.ts [frontend] [backend]
 *   node dist/npm/examples/devices/queue.js [frontend] [backend]   # or bun
 *
 * Defaults: tcp://127.0.0.1:5559 (clients) and tcp://127.0.0.1:5560
 * (workers). Prints where it listens; stops on SIGINT/SIGTERM.
 *
 * @module
 */

import { Dealer, Router } from "../../mod.ts";
import { runDevice } from "./run.ts";

await runDevice("queue", new Router(), new Dealer(), [
  "tcp://127.0.0.1:5559",
  "tcp://127.0.0.1:5560",
]);
