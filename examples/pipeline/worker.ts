/**
 * A worker of the parallel pipeline: pulls tasks from the ventilator,
 * "works" for as many milliseconds as the task says, and pushes a result
 * to the sink. Ends when it pulls a `stop`.
 *
 *   deno run --allow-net=127.0.0.1 worker.ts --id 1 \
 *     --tasks tcp://127.0.0.1:5557 --sink tcp://127.0.0.1:5558
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { Pull, Push } from "../../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    id: { type: "string", default: "1" },
    tasks: { type: "string" },
    sink: { type: "string" },
  },
});
if (values.tasks === undefined || values.sink === undefined) {
  throw new Error("--tasks and --sink endpoints are required");
}

const tasks = new Pull();
tasks.connect(values.tasks);
const results = new Push();
results.connect(values.sink);

const text = new TextDecoder();
let done = 0;
for await (const [task, workload] of tasks) {
  if (text.decode(task) === "stop") break;
  await new Promise((resolve) => setTimeout(resolve, Number(text.decode(workload))));
  await results.send([`worker ${values.id}`, task]);
  done++;
}

tasks.close();
results.close(); // lingers until the last result is written
console.error(`worker ${values.id}: finished after ${done} tasks`);
