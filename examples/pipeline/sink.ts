/**
 * The sink of the parallel pipeline: collects the workers' results and
 * reports how many each worker did and how long the batch took.
 *
 *   deno run --allow-net=127.0.0.1 sink.ts
 *
 * Prints `results on tcp://…` once bound; the ventilator's `start`
 * message says how many results to wait for.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { Pull } from "../../mod.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { bind: { type: "string", default: "tcp://127.0.0.1:*" } },
});

const results = new Pull();
await results.bind(values.bind);
console.log(`results on ${results.lastEndpoint}`);

const text = new TextDecoder();
const perWorker = new Map<string, number>();
let expected = Infinity;
let received = 0;
let started = 0;
for await (const [kind, detail] of results) {
  const what = text.decode(kind);
  if (what === "start") {
    // The ventilator's signal may overtake or trail the first results.
    expected = Number(text.decode(detail));
    started = performance.now();
  } else {
    perWorker.set(what, (perWorker.get(what) ?? 0) + 1);
    received++;
  }
  if (received >= expected) break;
}

console.log(`${received} results in ${Math.round(performance.now() - started)} ms`);
for (const [worker, count] of [...perWorker].sort()) console.log(`${worker}: ${count} tasks`);
results.close();
