/**
 * Config distribution centre, the publishing side: publishes one
 * configuration change per version on PUB, a heartbeat with the latest
 * version every 100 ms, and serves snapshots of the whole configuration on
 * ROUTER, so server nodes (node.ts) can join at any time and catch up.
 *
 *   deno run --allow-net=127.0.0.1 examples/config/server.ts \
 *     [updates endpoint] [snapshot endpoint] [versions=100] [interval ms=10]
 *   node dist/npm/examples/config/server.js [...the same]   # or bun
 *
 * Defaults: tcp://127.0.0.1:5580 (updates) and tcp://127.0.0.1:5581
 * (snapshots). Prints "published version N" for each version and, after
 * the last, the final configuration; keeps serving snapshots and
 * heartbeats until SIGINT/SIGTERM.
 *
 * @module
 */

import process from "node:process";
import { Publisher, Router } from "../../mod.ts";
import { change, HUGZ, show, UPDATE } from "./protocol.ts";

const args = process.argv.slice(2);
const versions = Number(args[2] ?? 100);
const interval = Number(args[3] ?? 10);

const publisher = new Publisher({ linger: 0 });
const snapshots = new Router({ linger: 0 });
await publisher.bind(args[0] ?? "tcp://127.0.0.1:5580");
await snapshots.bind(args[1] ?? "tcp://127.0.0.1:5581");
console.log(
  `config server: updates on ${publisher.lastEndpoint}, snapshots on ${snapshots.lastEndpoint}`,
);

const config = new Map<string, unknown>();
let version = 0;

const stop = () => {
  publisher.close();
  snapshots.close();
};
process.on("SIGINT", stop);
if (process.platform !== "win32") process.on("SIGTERM", stop);

/** Answers each snapshot request with the configuration as of now. */
async function serveSnapshots(): Promise<void> {
  for await (const [node, request] of snapshots) {
    if (new TextDecoder().decode(request) !== "snapshot") continue;
    for (const [key, value] of config) {
      await snapshots.send([node, "kv", key, JSON.stringify(value)]);
    }
    await snapshots.send([node, "done", String(version)]);
  }
}

/** Publishes the latest version now and then, so lost updates are noticed. */
async function heartbeat(): Promise<void> {
  while (!publisher.closed) {
    await publisher.send([HUGZ, String(version)]).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Makes and publishes one change per version. */
async function publishChanges(): Promise<void> {
  while (version < versions && !publisher.closed) {
    await new Promise((resolve) => setTimeout(resolve, interval));
    const [key, value] = change(version + 1);
    config.set(key, value);
    version++;
    await publisher.send([UPDATE, String(version), key, JSON.stringify(value)]).catch(() => {});
    console.log(`published version ${version}`);
  }
  console.log(`config at version ${version}: ${show(config)}`);
}

await Promise.all([serveSnapshots(), heartbeat(), publishChanges()]);
