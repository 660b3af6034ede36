/**
 * Weather update server (the zguide's wuserver): publishes random weather
 * updates, "zipcode temperature humidity", to every subscriber.
 *
 *   deno run --allow-net=127.0.0.1 examples/weather/server.ts [endpoint] [zipcodes]
 *   node dist/npm/examples/weather/server.js [endpoint] [zipcodes]   # or bun
 *
 * `endpoint` defaults to tcp://127.0.0.1:5556 (a port of `*` picks a free
 * one); zip codes are drawn from 00000 to `zipcodes` − 1 (default 100000).
 * The server prints the endpoint it publishes on, then runs until
 * interrupted. Over PGM multicast (every subscriber on the segment gets
 * each update from one send; libzmq's epgm subscribers too):
 *
 *   deno run --unstable-net --allow-net examples/weather/server.ts "epgm://192.168.1.10;239.192.1.1:5556" 10
 *
 * @module
 */

import process from "node:process";
import { Publisher } from "../../mod.ts";

const args = process.argv.slice(2);
const endpoint = args[0] ?? "tcp://127.0.0.1:5556";
const zipcodes = Number(args[1] ?? 100000);

const publisher = new Publisher({ linger: 0 });
await publisher.bind(endpoint);
console.log(`Publishing weather updates on ${publisher.lastEndpoint}`);

let running = true;
const stop = () => running = false;
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const randomInt = (n: number) => Math.floor(Math.random() * n);
let sent = 0;
while (running) {
  const zipcode = String(randomInt(zipcodes)).padStart(5, "0");
  const temperature = randomInt(215) - 80;
  const humidity = randomInt(50) + 10;
  // Never waits: a subscriber that cannot keep up loses updates instead.
  await publisher.send(`${zipcode} ${temperature} ${humidity}`);
  // send() resolves at once, so give the sockets' I/O a turn now and then.
  if (++sent % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
}

publisher.close();
process.off("SIGINT", stop);
process.off("SIGTERM", stop);
