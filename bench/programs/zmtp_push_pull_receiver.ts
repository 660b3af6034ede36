/**
 * Benchmark program: this library's PULL side of PUSH→PULL.
 *
 * Binds, prints `{"endpoint": …}`, receives `--count` messages of `--size`
 * bytes, and prints `{"count", "bytes", "seconds"}` timed from the first
 * message to the last. Run by bench/main.ts; see bench/protocol.ts.
 *
 * @module
 */

import { Pull } from "../../mod.ts";
import { parseProgramArgs, report } from "./program_args.ts";

const { endpoint, size, count } = parseProgramArgs(Deno.args);
const pull = new Pull();
await pull.bind(endpoint);
report({ endpoint: pull.lastEndpoint });

let received = 0;
let bytes = 0;
let first = 0;
while (received < count) {
  const msg = await pull.receive();
  if (received === 0) first = performance.now();
  if (msg.length !== 1 || msg[0].length !== size) {
    throw new Error(`message ${received} has ${msg.length} frames of ${msg[0]?.length} bytes`);
  }
  bytes += msg[0].length;
  received++;
}
const seconds = (performance.now() - first) / 1000;
report({ count: received, bytes, seconds });
pull.close();
