/**
 * Benchmark program: the memory of a stalled consumer.
 *
 * - `--role receiver`: a PULL with no receive high-water mark binds
 *   `--endpoint`, prints `{"endpoint"}` and receives nothing. On SIGUSR2
 *   (sent by bench/main.ts once the sender has exited) it collects garbage,
 *   reads its resident set size, then drains its queue counting the
 *   messages, and prints `{"result": {rssBytes, queued}}`.
 * - `--role sender`: a PUSH connects, sends `--count` `--size`-byte
 *   messages, and exits once all are written (linger).
 *
 * Run with `--v8-flags=--expose-gc` so the figure is what stays live.
 *
 * @module
 */

import { Pull, Push } from "../../mod.ts";
import { parseFlags, say } from "./common.ts";

const flags = parseFlags(Deno.args);

if (flags.role === "receiver") {
  const pull = new Pull({ receiveHighWaterMark: 0 });
  await pull.bind(flags.endpoint);
  say({ endpoint: pull.lastEndpoint });
  await new Promise<void>((resolve) => Deno.addSignalListener("SIGUSR2", resolve));
  (globalThis as { gc?: () => void }).gc?.();
  const rssBytes = Deno.memoryUsage().rss;
  const heapBytes = Deno.memoryUsage().heapUsed;
  pull.receiveTimeout = 500;
  let queued = 0;
  try {
    for (;;) {
      await pull.receive();
      queued++;
    }
  } catch { /* EAGAIN: drained */ }
  say({ result: { rssBytes, heapBytes, queued } });
  Deno.exit(0);
} else if (flags.role === "sender") {
  const push = new Push({ linger: 30000 });
  push.connect(flags.endpoint);
  const payload = new Uint8Array(flags.size).fill(0x61);
  for (let i = 0; i < flags.count; i++) await push.send(payload);
  push.close();
} else {
  throw new Error(`unknown --role ${flags.role}`);
}
