/**
 * CURVE's cost: PUSH→PULL throughput over tcp with CURVE and with NULL, at
 * 64 B and 64 KiB, for this library (two Deno processes) and for libzmq
 * through zeromq.js (two Node processes), in the same run.
 *
 *   deno run -A bench/curve.ts [--runs N] [--scale F]
 *
 * Each case runs N times (default 3); the median run is reported. --scale
 * multiplies the message counts (0.1 for a smoke check). The programs are
 * in bench/programs/ and speak bench/main.ts's protocol (flags --endpoint,
 * --size, --count; JSON lines), so {@link CURVE_IMPLEMENTATIONS} can join
 * its table. The machine's load average is printed with the results:
 * figures from a loaded machine are not comparable.
 *
 * @module
 */

/** One program's command line, as bench/main.ts describes it. */
export interface BenchProgram {
  command: string;
  args: string[];
}

/** A receiver and a sender program. */
export interface BenchImplementation {
  name: string;
  receiver: BenchProgram;
  sender: BenchProgram;
}

const programs = "bench/programs/";

function deno(program: string, mechanism: string): BenchProgram {
  return {
    command: Deno.execPath(),
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      `${programs}${program}`,
      "--mechanism",
      mechanism,
    ],
  };
}

function node(program: string, mechanism: string): BenchProgram {
  return { command: "node", args: [`${programs}${program}`, "--mechanism", mechanism] };
}

function implementations(mechanism: "curve" | "null"): BenchImplementation[] {
  const label = mechanism.toUpperCase();
  return [
    {
      name: `zmtp ${label} (Deno)`,
      receiver: deno("zmtp_curve_push_pull_receiver.ts", mechanism),
      sender: deno("zmtp_curve_push_pull_sender.ts", mechanism),
    },
    {
      name: `zeromq.js ${label} (Node)`,
      receiver: node("zeromq_curve_push_pull_receiver.cjs", mechanism),
      sender: node("zeromq_curve_push_pull_sender.cjs", mechanism),
    },
  ];
}

/** CURVE PUSH→PULL, this library and zeromq.js: rows for bench/main.ts. */
export const CURVE_IMPLEMENTATIONS: BenchImplementation[] = implementations("curve");

/** Messages per run: a few seconds for the slowest implementation. */
const COUNTS: Record<number, number> = { 64: 200_000, 65536: 6_000 };

interface RunResult {
  count: number;
  bytes: number;
  seconds: number;
}

/** One measured case (median of the runs). */
export interface CurveBenchRow {
  name: string;
  size: number;
  messagesPerSecond: number;
  mibPerSecond: number;
}

const root = new URL("../", import.meta.url).pathname;

function spawn(program: BenchProgram, flags: string[]): Deno.ChildProcess {
  return new Deno.Command(program.command, {
    args: [...program.args, ...flags],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** JSON objects, one per line of a child's stdout. */
async function* jsonLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Record<string, unknown>> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line.startsWith("{")) yield JSON.parse(line);
    }
  }
}

async function runOnce(
  impl: BenchImplementation,
  size: number,
  count: number,
  timeoutMs: number,
): Promise<RunResult> {
  const flags = (
    endpoint: string,
  ) => ["--endpoint", endpoint, "--size", String(size), "--count", String(count)];
  const children: Deno.ChildProcess[] = [];
  const timer = setTimeout(() => {
    for (const child of children) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  }, timeoutMs);
  try {
    const receiver = spawn(impl.receiver, flags("tcp://127.0.0.1:0"));
    children.push(receiver);
    const lines = jsonLines(receiver.stdout);
    const bound = (await lines.next()).value;
    if (bound === undefined) throw new Error(`${impl.name}: receiver stopped before binding`);
    const sender = spawn(impl.sender, flags(String(bound.endpoint)));
    children.push(sender);
    const result = (await lines.next()).value;
    if (result === undefined) throw new Error(`${impl.name}: receiver stopped before reporting`);
    await Promise.all(children.map((c) => c.status));
    return result as unknown as RunResult;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs NULL and CURVE, both libraries, 64 B and 64 KiB; `runs` times each, median kept. */
export async function runCurveBench(
  options: { runs?: number; scale?: number; timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<CurveBenchRow[]> {
  const runs = options.runs ?? 3;
  const scale = options.scale ?? 1;
  const rows: CurveBenchRow[] = [];
  for (const size of [64, 65536]) {
    const count = Math.max(100, Math.round(COUNTS[size] * scale));
    for (const impl of [...implementations("null"), ...CURVE_IMPLEMENTATIONS]) {
      const rates: number[] = [];
      for (let run = 0; run < runs; run++) {
        const result = await runOnce(impl, size, count, options.timeoutMs ?? 120_000);
        rates.push((result.count - 1) / result.seconds);
      }
      rates.sort((a, b) => a - b);
      const rate = rates[Math.floor(rates.length / 2)];
      const row = {
        name: impl.name,
        size,
        messagesPerSecond: rate,
        mibPerSecond: rate * size / 2 ** 20,
      };
      options.log?.(formatRow(row));
      rows.push(row);
    }
  }
  return rows;
}

function formatRow(row: CurveBenchRow): string {
  return `${row.name.padEnd(24)} ${String(row.size).padStart(6)} B ${
    Math.round(row.messagesPerSecond).toLocaleString("en").padStart(11)
  } msgs/s ${row.mibPerSecond.toFixed(1).padStart(8)} MiB/s`;
}

/** CURVE against NULL for each library, and this library against libzmq. */
export function curveRatios(rows: CurveBenchRow[]): string[] {
  const rate = (prefix: string, size: number) =>
    rows.find((r) => r.name.startsWith(prefix) && r.size === size)!.messagesPerSecond;
  return [64, 65536].map((size) => {
    const ours = rate("zmtp CURVE", size) / rate("zmtp NULL", size);
    const theirs = rate("zeromq.js CURVE", size) / rate("zeromq.js NULL", size);
    const curve = rate("zmtp CURVE", size) / rate("zeromq.js CURVE", size);
    const plain = rate("zmtp NULL", size) / rate("zeromq.js NULL", size);
    return `${String(size).padStart(5)} B: CURVE/NULL zmtp ${ours.toFixed(3)}, libzmq ${
      theirs.toFixed(3)
    }; zmtp/libzmq with CURVE ${curve.toFixed(3)}, with NULL ${plain.toFixed(3)}`;
  });
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const at = Deno.args.indexOf(name);
    return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  };
  const runs = arg("--runs", 3);
  const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`PUSH→PULL over tcp, median of ${runs}; load average before: ${load()}`);
  const rows = await runCurveBench({ runs, scale: arg("--scale", 1), log: console.log });
  for (const line of curveRatios(rows)) console.log(line);
  console.log(`load average after: ${load()}`);
}
