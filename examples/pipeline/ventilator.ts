/**
 * The ventilator of the parallel pipeline (ZeroMQ guide, "Divide and
 * Conquer"): hands out tasks to the workers over PUSH, which deals them
 * round robin, and tells the sink how many results to expect.
 *
 *   deno run --allow-net=127.0.0.1 ventilator.ts --sink tcp://127.0.0.1:5558 --workers 3
 *
 * Prints `tasks on tcp://…` once bound (workers connect there), then waits
 * for `--workers` workers before sending, so that the first worker to
 * connect does not get every task.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { Push } from "../../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    bind: { type: "string", default: "tcp://127.0.0.1:*" },
    sink: { type: "string" },
    workers: { type: "string", default: "3" },
    tasks: { type: "string", default: "100" },
  },
});
if (values.sink === undefined) throw new Error("--sink tcp://host:port is required");
const workerCount = Number(values.workers);
const taskCount = Number(values.tasks);

const tasks = new Push();
const events = tasks.events; // monitor from the start: we count the workers' handshakes
await tasks.bind(values.bind);
console.log(`tasks on ${tasks.lastEndpoint}`);

const sink = new Push();
sink.connect(values.sink);

let connected = 0;
for await (const event of events) {
  if (event.type === "handshake" && ++connected === workerCount) break;
}

// The start of the batch: the sink now knows how many results to wait for.
await sink.send(["start", String(taskCount)]);

let totalMs = 0;
for (let task = 0; task < taskCount; task++) {
  const workload = 1 + Math.floor(Math.random() * 10); // ms of "work"
  totalMs += workload;
  await tasks.send([String(task), String(workload)]);
}
// One "stop" per worker: PUSH deals them round robin, one to each.
for (let i = 0; i < workerCount; i++) await tasks.send("stop");
console.log(`sent ${taskCount} tasks to ${workerCount} workers (${totalMs} ms of work in all)`);

// close() lingers until every queued message is written.
tasks.close();
sink.close();
