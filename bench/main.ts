/**
 * `deno task bench`: PUSH→PULL throughput over tcp, this library against
 * zeromq.js 6.8.0 (libzmq 4.3.5), each as two processes on this machine.
 *
 * For each message size both implementations send the same number of
 * messages; the receiver times from its first message to its last. The
 * report gives messages/s, MB/s and our rate as a fraction of libzmq's.
 *
 * @module
 */

import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { zeromqPushPull, zmtpPushPull } from "./implementations.ts";
import { measure, type Measurement } from "./protocol.ts";
import { formatTable, type Row } from "./report.ts";

const USAGE = `Usage: deno task bench [--quick] [--runs N] [--timeout MS]

PUSH→PULL over tcp://127.0.0.1, 64 B and 64 KiB messages: this library
(two Deno processes) against zeromq.js 6.8.0 (two Node processes).

  --quick        fewer messages and one run (a smoke check, noisy figures)
  --runs N       runs per case; the median is reported (default 3, quick 1)
  --timeout MS   time limit per run, both processes killed after (default 60000)
  --help         this text
`;

/** One message size and how many messages to send at it. */
interface SizeCase {
  size: number;
  count: number;
  quickCount: number;
}

const SIZES: SizeCase[] = [
  { size: 64, count: 1_000_000, quickCount: 100_000 },
  { size: 64 * 1024, count: 20_000, quickCount: 2_000 },
];

const IMPLEMENTATIONS = [zmtpPushPull, zeromqPushPull];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      help: { type: "boolean", short: "h" },
      quick: { type: "boolean" },
      runs: { type: "string" },
      timeout: { type: "string", default: "60000" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const quick = values.quick ?? false;
  const runs = Number(values.runs ?? (quick ? 1 : 3));
  const timeoutMs = Number(values.timeout);
  if (!(runs >= 1) || !(timeoutMs > 0)) {
    console.error(USAGE);
    Deno.exit(2);
  }

  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const rows: Row[] = [];
  for (const { size, count, quickCount } of SIZES) {
    const work = {
      endpoint: "tcp://127.0.0.1:0",
      size,
      count: quick ? quickCount : count,
      timeoutMs,
    };
    for (const impl of IMPLEMENTATIONS) {
      const results: Measurement[] = [];
      for (let run = 0; run < runs; run++) results.push(await measure(impl, work));
      rows.push({ implementation: impl.name, size, count: work.count, result: median(results) });
    }
  }
  console.log(formatTable(rows));
  const reference = IMPLEMENTATIONS[IMPLEMENTATIONS.length - 1].name;
  console.log(`ratio: messages/s relative to ${reference} at the same size`);
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}

/** The run with the median message rate. */
function median(results: Measurement[]): Measurement {
  const sorted = [...results].sort((a, b) => a.messagesPerSecond - b.messagesPerSecond);
  return sorted[Math.floor(sorted.length / 2)];
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? err.message : err}`);
  Deno.exit(1);
}
