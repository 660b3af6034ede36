/**
 * Config distribution centre, a server node: keeps a copy of the
 * configuration that applies every version exactly once, in order, however
 * late it joins. It subscribes to updates first, then asks for a snapshot
 * and applies only the updates newer than the snapshot; an update that
 * skips a version (lost at a high-water mark, or published before the
 * subscription took effect) or a heartbeat ahead of it makes the node take
 * a fresh snapshot instead of guessing.
 *
 *   deno run --allow-net=127.0.0.1 examples/config/node.ts \
 *     [updates endpoint] [snapshot endpoint] [name=node] [until version=100]
 *   node dist/npm/examples/config/node.js [...the same]   # or bun
 *
 * Prints "NAME: snapshot at version N", then "NAME: version N key=value"
 * for each update it applies, and exits after version `until` with
 * "NAME: config at version N: {...}".
 *
 * @module
 */

import process from "node:process";
import { Dealer, Subscriber } from "../../mod.ts";
import { HUGZ, PREFIX, show, UPDATE } from "./protocol.ts";

const args = process.argv.slice(2);
const name = args[2] ?? "node";
const until = Number(args[3] ?? 100);

const updates = new Subscriber();
updates.subscribe(PREFIX);
updates.connect(args[0] ?? "tcp://127.0.0.1:5580");
const snapshots = new Dealer({ linger: 0 });
snapshots.connect(args[1] ?? "tcp://127.0.0.1:5581");

const decoder = new TextDecoder();
const text = (frame: Uint8Array) => decoder.decode(frame);

let config = new Map<string, unknown>();
let version = 0;

/** Replaces the configuration with the server's current one. */
async function takeSnapshot(): Promise<void> {
  await snapshots.send("snapshot");
  const fresh = new Map<string, unknown>();
  for (;;) {
    const [kind, ...rest] = (await snapshots.receive()).map(text);
    if (kind === "kv") fresh.set(rest[0], JSON.parse(rest[1]));
    else if (kind === "done") {
      config = fresh;
      version = Number(rest[0]);
      console.log(`${name}: snapshot at version ${version}`);
      return;
    }
  }
}

await takeSnapshot();
while (version < until) {
  const [topic, seq, key, value] = (await updates.receive()).map(text);
  const n = Number(seq);
  if (n <= version) continue; // already in the snapshot: never applied twice
  if (topic === UPDATE && n === version + 1) {
    config.set(key, JSON.parse(value));
    version = n;
    console.log(`${name}: version ${n} ${key}=${value}`);
  } else if (topic === UPDATE || topic === HUGZ) {
    console.log(`${name}: missed versions ${version + 1}..${n}, taking a snapshot`);
    await takeSnapshot();
  }
}
console.log(`${name}: config at version ${version}: ${show(config)}`);
updates.close();
snapshots.close();
