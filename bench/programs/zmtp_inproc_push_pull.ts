/**
 * Benchmark program: this library's PUSH→PULL over inproc, both sockets in
 * this one process (inproc cannot cross processes), so it plays both parts
 * of bench/protocol.ts: it binds, prints `{"endpoint": …}`, sends and
 * receives `--count` messages of `--size` bytes, and prints
 * `{"count", "bytes", "seconds"}` timed by the receiver from its first
 * message to its last. It needs no permission at all.
 *
 * @module
 */

import { Pull, Push } from "../../mod.ts";
import { parseProgramArgs, report } from "./program_args.ts";

const { endpoint, size, count } = parseProgramArgs(Deno.args);
const pull = new Pull();
await pull.bind(endpoint);
report({ endpoint: pull.lastEndpoint });
const push = new Push();
push.connect(endpoint);

const receiving = (async () => {
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
  return { count: received, bytes, seconds: (performance.now() - first) / 1000 };
})();

// One payload for every message: inproc hands the same buffer over, no copy.
const payload = new Uint8Array(size).fill(0x61);
for (let i = 0; i < count; i++) await push.send(payload);
report(await receiving);
push.close();
pull.close();
