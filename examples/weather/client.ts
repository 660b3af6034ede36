/**
 * Weather update client (the zguide's wuclient): subscribes to one zip
 * code, collects a number of updates and prints the average temperature.
 *
 *   deno run --allow-net=127.0.0.1 examples/weather/client.ts [endpoint] [zipcode] [updates]
 *   node dist/npm/examples/weather/client.js [endpoint] [zipcode] [updates]   # or bun
 *
 * Defaults: tcp://127.0.0.1:5556, zip code 10001, 100 updates. Over PGM
 * multicast, from the server's epgm example (this host's interface, the
 * server's group and port):
 *
 *   deno run --unstable-net --allow-net examples/weather/client.ts "epgm://192.168.1.11;239.192.1.1:5556" 00007
 *
 * @module
 */

import process from "node:process";
import { Subscriber } from "../../mod.ts";

const args = process.argv.slice(2);
const endpoint = args[0] ?? "tcp://127.0.0.1:5556";
const zipcode = args[1] ?? "10001";
const updates = Number(args[2] ?? 100);

const subscriber = new Subscriber();
subscriber.connect(endpoint);
// The trailing space stops "1000" from matching "10001".
const filter = `${zipcode} `;
subscriber.subscribe(filter);

console.log(`Collecting updates from the weather server for zipcode '${zipcode}'…`);
const text = new TextDecoder();
let total = 0;
for (let n = 0; n < updates; n++) {
  const [update] = await subscriber.receive();
  const line = text.decode(update);
  if (!line.startsWith(filter)) throw new Error(`received an update for another zip code: ${line}`);
  const [, temperature] = line.split(" ");
  total += Number(temperature);
}
console.log(`Average temperature for zipcode '${zipcode}' was ${Math.round(total / updates)}F`);
subscriber.close();
