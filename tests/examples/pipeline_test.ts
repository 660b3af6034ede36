import assert from "node:assert/strict";
import { within } from "../helpers.ts";

const root = new URL("../../", import.meta.url).pathname;

/** Runs `deno task <name> [args]` from the repository root, as a newcomer would. */
async function runTask(
  name: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", name, ...args],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
  try {
    const { code, stdout } = await within(65000, child.output(), `deno task ${name}`);
    return { code, stdout: new TextDecoder().decode(stdout) };
  } finally {
    clearTimeout(timer);
  }
}

/** The sink's `worker N: K tasks` lines, as [worker, count]. */
function perWorkerCounts(output: string): [string, number][] {
  return [...output.matchAll(/^sink\s+\| (worker \d+): (\d+) tasks$/gm)].map((m) => [
    m[1],
    Number(m[2]),
  ]);
}

Deno.test("deno task demo runs the pipeline end to end and prints per-worker counts", async () => {
  const { code, stdout } = await runTask("demo");
  assert.equal(code, 0, stdout);
  assert.match(stdout, /^sink\s+\| 100 results in \d+ ms$/m);
  const counts = perWorkerCounts(stdout);
  assert.deepEqual(counts.map(([worker]) => worker), ["worker 1", "worker 2", "worker 3"]);
  assert.equal(counts.reduce((sum, [, n]) => sum + n, 0), 100);
  // PUSH deals tasks round robin, so every worker gets its share.
  for (const [worker, n] of counts) assert.ok(n >= 33 && n <= 34, `${worker} did ${n} tasks`);
});

Deno.test("the pipeline takes other worker and task counts", async () => {
  const { code, stdout } = await runTask("demo", ["--workers", "2", "--tasks", "11"]);
  assert.equal(code, 0, stdout);
  const counts = perWorkerCounts(stdout);
  assert.deepEqual(counts.map(([worker]) => worker), ["worker 1", "worker 2"]);
  // Which worker connected first, and so got the odd task, is not fixed.
  assert.deepEqual(counts.map(([, n]) => n).sort(), [5, 6]);
});
