/**
 * Runs the whole parallel pipeline (ZeroMQ guide, "Divide and Conquer"):
 * a ventilator deals tasks to workers, which send results to a sink, each
 * one its own process talking over tcp://127.0.0.1, in the runtime that
 * runs this launcher (Deno, or Node and Bun on the npm build).
 *
 *   deno task demo                 # 3 workers, 100 tasks
 *   deno run --allow-net=127.0.0.1 --allow-run --allow-read \
 *     examples/pipeline/main.ts --workers 5 --tasks 300
 *   node dist/npm/examples/pipeline/main.js --workers 5   # or bun
 *
 * Prints every process's output with its name in front; the sink's lines
 * give the per-worker counts.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { launch, type Program } from "./launch.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    workers: { type: "string", default: "3" },
    tasks: { type: "string", default: "100" },
    timeout: { type: "string", default: "30000" },
  },
});

const running: Program[] = [];

/** Starts one program of the pipeline. */
function start(program: string, args: string[]): Program {
  const child = launch(program, args);
  running.push(child);
  return child;
}

/** Prints each line of `stream` with `name` in front, and hands each line to `onLine`. */
function relay(
  name: string,
  stream: AsyncIterable<Uint8Array>,
  onLine: (line: string) => void = () => {},
): Promise<void> {
  return (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        console.log(`${name.padEnd(10)} | ${line}`);
        onLine(line);
      }
    }
    if (buffer.length > 0) console.log(`${name.padEnd(10)} | ${buffer}`);
  })();
}

/** Starts a program that prints `<what> on tcp://…` and resolves to that endpoint. */
async function startBound(name: string, program: string, args: string[], what: string) {
  const child = start(program, args);
  let found: (endpoint: string) => void;
  const endpoint = new Promise<string>((resolve) => found = resolve);
  const pattern = new RegExp(`^${what} on (tcp://\\S+)$`);
  const output = Promise.all([
    relay(name, child.stdout, (line) => {
      const match = pattern.exec(line);
      if (match !== null) found(match[1]);
    }),
    relay(name, child.stderr),
  ]);
  return { child, output, endpoint: await endpoint };
}

async function main(): Promise<number> {
  const workerCount = Number(values.workers);
  const sink = await startBound("sink", "sink", [], "results");
  const ventilator = await startBound(
    "ventilator",
    "ventilator",
    ["--sink", sink.endpoint, "--workers", String(workerCount), "--tasks", values.tasks],
    "tasks",
  );
  const workers = Array.from({ length: workerCount }, (_, i) => {
    const child = start("worker", [
      "--id",
      String(i + 1),
      "--tasks",
      ventilator.endpoint,
      "--sink",
      sink.endpoint,
    ]);
    const name = `worker ${i + 1}`;
    return { child, output: Promise.all([relay(name, child.stdout), relay(name, child.stderr)]) };
  });
  const all = [sink, ventilator, ...workers];
  const succeeded = await Promise.all(all.map((p) => p.child.succeeded));
  await Promise.all(all.map((p) => p.output));
  return succeeded.every(Boolean) ? 0 : 1;
}

const timeoutMs = Number(values.timeout);
let timer: ReturnType<typeof setTimeout> | undefined;
const timedOut = new Promise<number>((resolve) => {
  timer = setTimeout(() => {
    console.error(`pipeline did not finish within ${timeoutMs} ms; stopping it`);
    resolve(1);
  }, timeoutMs);
});
const code = await Promise.race([main(), timedOut]);
clearTimeout(timer);
for (const child of running) child.kill();
process.exit(code);
