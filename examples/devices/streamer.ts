/**
 * STREAMER device (libzmq's ZMQ_STREAMER): a PULL frontend that producers
 * push into, a PUSH backend that consumers pull from, and `proxy()`
 * between them: a pipeline stage that fans work in and out again. When the
 * consumers fall behind, the PUSH waits at its high-water mark and the
 * PULL stops reading, so the producers slow down instead of the device
 * growing.
 *
 *   deno run --allow-net examples/devices/streamer.ts [frontend] [backend]
 *   node dist/npm/examples/devices/streamer.js [frontend] [backend]   # or bun
 *
 * Defaults: tcp://127.0.0.1:5561 (producers) and tcp://127.0.0.1:5562
 * (consumers). Prints where it listens; stops on SIGINT/SIGTERM.
 *
 * @module
 */

import { Pull, Push } from "../../mod.ts";
import { runDevice } from "./run.ts";

await runDevice("streamer", new Pull(), new Push(), [
  "tcp://127.0.0.1:5561",
  "tcp://127.0.0.1:5562",
]);
