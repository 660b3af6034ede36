/**
 * A ticker feed for the browser example: a Publisher that connects to the
 * relay's frontend and publishes a random-walk price for a few symbols,
 * each message two frames, `[symbol, "price time"]`.
 *
 *   deno run --allow-net=127.0.0.1 examples/browser/publisher.ts [endpoint] [messages/s]
 *
 * Defaults: tcp://127.0.0.1:5557 (the relay's frontend), 20 messages per
 * second. Runs until interrupted. See serve.ts for the whole example.
 *
 * @module
 */

import { Publisher } from "../../mod.ts";

const endpoint = Deno.args[0] ?? "tcp://127.0.0.1:5557";
const rate = Number(Deno.args[1] ?? 20);

/** The symbols and where their prices start. */
const prices = new Map([["ACME", 120], ["GLOBEX", 48], ["INITECH", 16.5], ["UMBRELLA", 302]]);

const publisher = new Publisher({ linger: 0 });
publisher.connect(endpoint);
console.log(`publishing ${[...prices.keys()].join(", ")} to ${endpoint}`);

let running = true;
const stop = () => running = false;
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);

const symbols = [...prices.keys()];
for (let n = 0; running; n++) {
  const symbol = symbols[n % symbols.length];
  const last = prices.get(symbol)!;
  // A random walk of at most ±1% per tick, never below one cent.
  const next = Math.max(0.01, last * (1 + (Math.random() - 0.5) / 50));
  prices.set(symbol, next);
  await publisher.send([symbol, `${next.toFixed(2)} ${Date.now()}`]);
  await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
}
publisher.close();
Deno.removeSignalListener("SIGINT", stop);
Deno.removeSignalListener("SIGTERM", stop);
