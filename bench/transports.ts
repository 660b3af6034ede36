/**
 * PUSH→PULL throughput over inproc, ipc and tcp, both sockets in this one
 * process, so the figures compare the transports' own costs:
 *
 *   deno run --allow-all bench/transports.ts [--size 64] [--count 200000] [--runs 3]
 *
 * The receiver times from the first message to the last; the median run is
 * reported. The machine may be shared: read the figures as rough.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Pull, Push } from "../mod.ts";

/** Messages per second for one run of `count` messages of `size` bytes. */
export async function pushPullRate(
  bindEndpoint: string,
  size: number,
  count: number,
): Promise<number> {
  using pull = new Pull();
  await pull.bind(bindEndpoint);
  using push = new Push();
  push.connect(pull.lastEndpoint!);
  const payload = new Uint8Array(size).fill(7);
  // One message through first, so the connection is up before timing.
  await push.send(payload);
  await pull.receive();
  const receiving = (async () => {
    await pull.receive();
    const start = performance.now();
    for (let i = 1; i < count; i++) await pull.receive();
    return performance.now() - start;
  })();
  for (let i = 0; i < count; i++) await push.send(payload);
  const ms = await receiving;
  return (count - 1) / (ms / 1000);
}

/** The endpoint each transport binds. */
export function benchEndpoint(transport: "inproc" | "ipc" | "tcp", dir: string): string {
  switch (transport) {
    case "inproc":
      return `inproc://bench-${crypto.randomUUID()}`;
    case "ipc":
      return `ipc://${dir}/bench-${crypto.randomUUID().slice(0, 8)}.sock`;
    case "tcp":
      return "tcp://127.0.0.1:*";
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      size: { type: "string", default: "64" },
      count: { type: "string", default: "200000" },
      runs: { type: "string", default: "3" },
    },
  });
  const size = Number(values.size);
  const count = Number(values.count);
  const runs = Number(values.runs);
  const dir = Deno.makeTempDirSync({ prefix: "zmtp-bench-" });
  try {
    console.log(`PUSH→PULL, ${size} B messages, ${count} per run, median of ${runs}, one process`);
    for (const transport of ["inproc", "ipc", "tcp"] as const) {
      const rates: number[] = [];
      for (let run = 0; run < runs; run++) {
        rates.push(await pushPullRate(benchEndpoint(transport, dir), size, count));
      }
      rates.sort((a, b) => a - b);
      const median = rates[Math.floor(rates.length / 2)];
      const mbps = (median * size) / 1e6;
      console.log(
        `${transport.padEnd(7)} ${Math.round(median).toLocaleString("en").padStart(11)} msg/s ` +
          `${mbps.toFixed(1).padStart(8)} MB/s   (runs: ${
            rates.map((r) => Math.round(r)).join(", ")
          })`,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
