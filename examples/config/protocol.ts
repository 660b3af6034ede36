/**
 * The config distribution centre's protocol, shared by server.ts and
 * node.ts (after the zguide's Clone pattern):
 *
 * - Updates, PUB → SUB, topic "config.update": `[topic, version, key, JSON value]`.
 *   Versions count from 1 without gaps: each changes one key.
 * - Heartbeats, PUB → SUB, topic "config.hugz": `[topic, latest version]`,
 *   so a node that lost the last update (or joined after it) notices.
 * - Snapshots, DEALER → ROUTER: the node sends `["snapshot"]`; the server
 *   answers `["kv", key, JSON value]` per key, then `["done", version]`.
 *
 * @module
 */

/** Topic of update messages. */
export const UPDATE = "config.update";
/** Topic of heartbeat messages. */
export const HUGZ = "config.hugz";
/** What nodes subscribe to: both topics. */
export const PREFIX = "config.";

/** The change that makes version `n` (the same on every run, so tests can check the result). */
export function change(n: number): [key: string, value: unknown] {
  switch (n % 4) {
    case 0:
      return ["max_connections", 100 + n];
    case 1:
      return ["log_level", ["debug", "info", "warn"][n % 3]];
    case 2:
      return ["timeout_ms", 1000 + 10 * n];
    default:
      return [`feature.${n % 3}`, n % 2 === 0];
  }
}

/** A configuration as one line of JSON with sorted keys (comparable as text). */
export function show(config: Map<string, unknown>): string {
  return JSON.stringify(Object.fromEntries([...config].sort(([a], [b]) => a < b ? -1 : 1)));
}
