/**
 * Telemetry sensors: a Radio that connects to the dashboard and sends a
 * reading per group every few milliseconds. A group nobody joined costs
 * nothing on tcp (the Radio knows the joins); on udp every datagram goes
 * out and the Dish filters.
 *
 *   deno run --allow-net=127.0.0.1 examples/telemetry/sensors.ts tcp://127.0.0.1:5580 100 10
 *   node dist/npm/examples/telemetry/sensors.js tcp://127.0.0.1:5580 100 10   # or bun
 *
 * Arguments: the dashboard's endpoint, how many rounds to send, ms between
 * rounds.
 */

import process from "node:process";
import { Radio } from "../../mod.ts";

const args = process.argv.slice(2);
const [endpoint = "tcp://127.0.0.1:5580", roundsText = "100", intervalText = "10"] = args;
const rounds = Number(roundsText);
const interval = Number(intervalText);

const radio = new Radio();
radio.connect(endpoint);

const sensors: Record<string, () => number> = {
  temperature: () => 20 + Math.round(Math.random() * 50) / 10,
  humidity: () => 40 + Math.round(Math.random() * 200) / 10,
  pressure: () => 1000 + Math.round(Math.random() * 300) / 10,
};

for (let round = 0; round < rounds; round++) {
  for (const [group, read] of Object.entries(sensors)) {
    await radio.send(String(read()), { group });
  }
  await new Promise((resolve) => setTimeout(resolve, interval));
}
radio.close();
