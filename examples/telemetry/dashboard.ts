/**
 * Telemetry dashboard: a Dish that binds, joins the groups it shows, and
 * prints each reading the sensors' Radios send to them.
 *
 *   deno run --allow-net=127.0.0.1 examples/telemetry/dashboard.ts tcp://127.0.0.1:5580 temperature,humidity 20
 *   node dist/npm/examples/telemetry/dashboard.js tcp://127.0.0.1:5580 temperature,humidity 20   # or bun
 *   deno run --allow-net=127.0.0.1 --unstable-net examples/telemetry/dashboard.ts udp://127.0.0.1:5580 temperature 20
 *
 * Arguments: endpoint to bind (tcp://, ipc:// or udp://), groups to join
 * (comma-separated), how many readings to show before printing the means
 * and exiting.
 */

import process from "node:process";
import { Dish, messageGroup } from "../../mod.ts";

const [endpoint = "tcp://127.0.0.1:5580", groupList = "temperature,humidity", countText = "20"] =
  process.argv.slice(2);
const groups = groupList.split(",");
const count = Number(countText);

const dish = new Dish();
await dish.bind(endpoint);
dish.join(...groups);
console.log(`dashboard on ${dish.lastEndpoint} showing ${groups.join(", ")}`);

const sums = new Map<string, { total: number; readings: number }>();
for (let shown = 0; shown < count; shown++) {
  const msg = await dish.receive();
  const group = messageGroup(msg)!;
  const value = Number(new TextDecoder().decode(msg[0]));
  console.log(`${group} ${value}`);
  const sum = sums.get(group) ?? { total: 0, readings: 0 };
  sum.total += value;
  sum.readings++;
  sums.set(group, sum);
}
for (const [group, { total, readings }] of sums) {
  console.log(`${group}: ${readings} readings, mean ${(total / readings).toFixed(1)}`);
}
dish.close();
