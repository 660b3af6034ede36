/**
 * CURVE's cost: PUSH→PULL throughput over tcp with CURVE and with NULL, at
 * 64 B and 64 KiB, for this library (two Deno processes) and for libzmq
 * through zeromq.js (two Node processes), in the same run.
 *
 *   deno run -A bench/curve.ts [--runs N] [--scale F] [--json]
 *
 * Each case runs N times (default 3) and reports the best run. --scale
 * multiplies message counts. Node loads zeromq from ./node_modules
 * (`deno install` puts it there). The machine's load average is printed
 * with the results: figures from a loaded machine are not comparable.
 */

import { curveKeyPair } from "../mod.ts";

/** One measured case. */
export interface CurveBenchRow {
  implementation: "zmtp" | "libzmq";
  mechanism: "NULL" | "CURVE";
  size: number;
  messagesPerSecond: number;
  mibPerSecond: number;
}

const here = new URL(".", import.meta.url);
const root = new URL("../", import.meta.url);

/** Messages per run, sized so that no case takes more than a few seconds. */
const COUNTS: Record<string, number> = {
  "zmtp NULL 64": 400_000,
  "zmtp CURVE 64": 60_000,
  "zmtp NULL 65536": 30_000,
  "zmtp CURVE 65536": 3_000,
  "libzmq NULL 64": 400_000,
  "libzmq CURVE 64": 200_000,
  "libzmq NULL 65536": 30_000,
  "libzmq CURVE 65536": 15_000,
};

interface RunResult {
  messages: number;
  bytes: number;
  seconds: number;
}

function command(
  implementation: string,
  role: string,
  args: string[],
  env: Record<string, string>,
): Deno.Command {
  const [program, worker] = implementation === "zmtp"
    ? [Deno.execPath(), ["run", "-A", new URL("curve_worker.ts", here).pathname]]
    : ["node", [new URL("curve_worker.cjs", here).pathname]];
  return new Deno.Command(program, {
    args: [...worker, role, ...args],
    cwd: root.pathname,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
}

/** Reads lines from a child's stdout until one starts with `prefix`. */
async function readLine(
  reader: ReadableStreamDefaultReader<string>,
  state: { buffer: string },
  prefix: string,
): Promise<string> {
  while (true) {
    const newline = state.buffer.indexOf("\n");
    if (newline >= 0) {
      const line = state.buffer.slice(0, newline);
      state.buffer = state.buffer.slice(newline + 1);
      if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
      continue;
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`worker ended before printing ${prefix.trim()}`);
    state.buffer += value;
  }
}

async function runOnce(
  implementation: string,
  mechanism: string,
  size: number,
  count: number,
  keys: string,
): Promise<RunResult> {
  const env = { BENCH_KEYS: keys };
  const mech = mechanism.toLowerCase();
  const pull = command(implementation, "pull", [
    mech,
    String(size),
    String(count),
    "tcp://127.0.0.1:0",
  ], env)
    .spawn();
  const reader = pull.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const state = { buffer: "" };
  try {
    const endpoint = await readLine(reader, state, "ENDPOINT ");
    const push = command(implementation, "push", [mech, String(size), String(count), endpoint], env)
      .spawn();
    const result = JSON.parse(await readLine(reader, state, "RESULT ")) as RunResult;
    await push.status;
    return result;
  } finally {
    reader.releaseLock();
    await pull.stdout.cancel().catch(() => {});
    await pull.status;
  }
}

/** Runs every case; `runs` times each, keeping the best. */
export async function runCurveBench(
  options: { runs?: number; scale?: number; log?: (line: string) => void } = {},
): Promise<CurveBenchRow[]> {
  const runs = options.runs ?? 3;
  const scale = options.scale ?? 1;
  const log = options.log ?? (() => {});
  const keys = JSON.stringify({ server: curveKeyPair(), client: curveKeyPair() });
  const rows: CurveBenchRow[] = [];
  for (const size of [64, 65536]) {
    for (const mechanism of ["NULL", "CURVE"] as const) {
      for (const implementation of ["zmtp", "libzmq"] as const) {
        const count = Math.max(
          100,
          Math.round(COUNTS[`${implementation} ${mechanism} ${size}`] * scale),
        );
        let best = 0;
        for (let run = 0; run < runs; run++) {
          const result = await runOnce(implementation, mechanism, size, count, keys);
          best = Math.max(best, result.messages / result.seconds);
        }
        const row = {
          implementation,
          mechanism,
          size,
          messagesPerSecond: best,
          mibPerSecond: best * size / 2 ** 20,
        };
        log(formatRow(row));
        rows.push(row);
      }
    }
  }
  return rows;
}

function formatRow(row: CurveBenchRow): string {
  return `${row.implementation.padEnd(7)} ${row.mechanism.padEnd(6)} ${
    String(row.size).padStart(6)
  } B ${Math.round(row.messagesPerSecond).toLocaleString("en").padStart(12)} msgs/s ${
    row.mibPerSecond.toFixed(1).padStart(9)
  } MiB/s`;
}

/** Ratios that matter: CURVE vs NULL for each library, and this library vs libzmq. */
export function curveRatios(rows: CurveBenchRow[]): string[] {
  const find = (i: string, m: string, s: number) =>
    rows.find((r) => r.implementation === i && r.mechanism === m && r.size === s)!
      .messagesPerSecond;
  const lines: string[] = [];
  for (const size of [64, 65536]) {
    lines.push(
      `${String(size).padStart(5)} B: CURVE/NULL zmtp ${
        (find("zmtp", "CURVE", size) / find("zmtp", "NULL", size)).toFixed(3)
      }, libzmq ${(find("libzmq", "CURVE", size) / find("libzmq", "NULL", size)).toFixed(3)}; ` +
        `zmtp/libzmq CURVE ${
          (find("zmtp", "CURVE", size) / find("libzmq", "CURVE", size)).toFixed(3)
        }, NULL ${(find("zmtp", "NULL", size) / find("libzmq", "NULL", size)).toFixed(3)}`,
    );
  }
  return lines;
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const at = Deno.args.indexOf(name);
    return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  };
  const json = Deno.args.includes("--json");
  const before = Deno.loadavg();
  console.log(`PUSH→PULL over tcp, best of ${arg("--runs", 3)}; load before ${before.join(" ")}`);
  const rows = await runCurveBench({
    runs: arg("--runs", 3),
    scale: arg("--scale", 1),
    log: json ? undefined : console.log,
  });
  if (json) console.log(JSON.stringify(rows));
  for (const line of curveRatios(rows)) console.log(line);
  console.log(`load after ${Deno.loadavg().join(" ")}`);
}
