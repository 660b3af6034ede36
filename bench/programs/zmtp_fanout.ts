/**
 * Benchmark program: this library's PUB→SUB fan-out.
 *
 * - `--role server`: a PUB binds `--endpoint`, prints `{"endpoint"}` and
 *   publishes `--size`-byte messages starting with `A` until killed.
 * - `--role client`: `--subscribers` SUB sockets connect; the first half
 *   (rounded up) subscribe to `A`, the rest to `B`, which matches nothing.
 *   Once every matching subscriber has had a message, the window counts
 *   messages delivered to all of them and prints `{"result"}`.
 *
 * High-water marks are the defaults: a publisher drops what a slow
 * subscriber cannot take, so the figure is what was delivered.
 *
 * @module
 */

import { Publisher, Subscriber } from "../../mod.ts";
import { parseFlags, say, Window } from "./common.ts";

const flags = parseFlags(Deno.args);

if (flags.role === "server") {
  const pub = new Publisher();
  await pub.bind(flags.endpoint);
  say({ endpoint: pub.lastEndpoint });
  const payload = new Uint8Array(flags.size).fill(0x61);
  payload[0] = 0x41; // "A"
  for (;;) await pub.send(payload);
} else if (flags.role === "client") {
  const matching = Math.ceil(flags.subscribers / 2);
  const window = new Window(flags.warmupMs, flags.durationMs);
  const every = 1024;
  let started = 0;
  let total = 0;
  let nextCheck = every;
  const receiveAll = async (sub: Subscriber) => {
    await sub.receive();
    started++;
    for (;;) {
      const msg = await sub.receive();
      if (msg[0].length !== flags.size) throw new Error("wrong size");
      if (started < matching) continue;
      if (++total === nextCheck) {
        nextCheck += every;
        if (window.check(total)) {
          say(window.result(flags.size));
          Deno.exit(0);
        }
      }
    }
  };
  for (let i = 0; i < flags.subscribers; i++) {
    const sub = new Subscriber();
    sub.subscribe(i < matching ? "A" : "B");
    sub.connect(flags.endpoint);
    if (i < matching) {
      receiveAll(sub).catch((err) => {
        console.error(err);
        Deno.exit(1);
      });
    }
  }
} else {
  throw new Error(`unknown --role ${flags.role}`);
}
