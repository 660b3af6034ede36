/**
 * udp:// (Radio/Dish) and epgm:// on Node and Bun, where the library's
 * datagram sockets are node:dgram's (src/transport/datagram.ts), against
 * the npm build: library to library, and against libzmq (zeromq.js's draft
 * Radio/Dish in a Node child for udp, since pyzmq here has no draft API;
 * Debian's pyzmq with OpenPGM for epgm). Multicast runs only inside
 * private network namespaces (root, unshare, ip, nft); each test skips,
 * saying why, when its runtime or peer is missing.
 */

import assert from "node:assert/strict";
import { PgmNet, pgmSkipReason } from "../interop/pgm/net.ts";
import { type Library, type PeerCommand, PORT, startPeer } from "../interop/pgm/peers.ts";
import { bun, node, packagePath } from "./runtimes.ts";

const scenario = new URL("datagram_scenario.mjs", import.meta.url).pathname;
const pgmPeer = new URL("pgm_peer.mjs", import.meta.url).pathname;

const root = new URL("../../", import.meta.url);

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, cwd: root, stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

/** Why libzmq's udp peer (zeromq.js in Node) cannot run, or null. */
async function zeromqSkipReason(): Promise<string | null> {
  if (node === null) return "no `node` on PATH for zeromq.js";
  const loads = await succeeds(node, [
    "-e",
    'process.emitWarning = () => {}; require("zeromq/draft")',
  ]);
  return loads ? null : "zeromq.js (npm:zeromq, deno install) does not load in Node";
}

/** Why a private network namespace (unshare -n) cannot be made, or null. */
async function namespaceSkipReason(): Promise<string | null> {
  if (Deno.uid() !== 0) return "a private network namespace (unshare -n) needs root";
  if (!await succeeds("unshare", ["--version"])) return "unshare (util-linux) is not installed";
  if (!await succeeds("ip", ["-V"])) return "ip (iproute2) is not installed";
  return null;
}

const libzmqSkip = await zeromqSkipReason();
const namespaceSkip = await namespaceSkipReason();
const nftSkip = namespaceSkip ??
  (await succeeds("nft", ["--version"]) ? null : "nft (nftables) is not installed");
const pgmSkip = await pgmSkipReason();
if (libzmqSkip) console.log(`skipping udp against libzmq on Node and Bun: ${libzmqSkip}`);
if (namespaceSkip) console.log(`skipping udp multicast on Node and Bun: ${namespaceSkip}`);
if (pgmSkip) console.log(`skipping epgm on Node and Bun: ${pgmSkip}`);
if (!namespaceSkip && nftSkip) console.log(`skipping the TTL test on Node and Bun: ${nftSkip}`);

/**
 * Runs one scenario of datagram_scenario.mjs in `runtime` (inside a fresh
 * network namespace with only `lo`, up, when `isolated`); returns its "ok …" line.
 */
async function run(
  runtime: string,
  name: string,
  endpoint: string,
  isolated = false,
): Promise<string> {
  const args = [scenario, `${await packagePath()}/mod.js`, name, endpoint];
  const command = isolated
    ? new Deno.Command("unshare", {
      args: ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', runtime, ...args],
      cwd: root,
      env: { ZMQ_TEST_NODE: node ?? "node" },
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(runtime, {
      args,
      cwd: root,
      env: { ZMQ_TEST_NODE: node ?? "node" },
      stdout: "piped",
      stderr: "piped",
    });
  const { code, stdout, stderr } = await command.output();
  const out = new TextDecoder().decode(stdout).trim();
  assert.equal(
    code,
    0,
    `${runtime} ${name} ${endpoint}: ${out}\n${new TextDecoder().decode(stderr)}`,
  );
  assert.match(out, /^ok /);
  return out;
}

const MULTICAST = ["udp://127.0.0.1;239.192.7.7:47001", "udp://lo;239.192.7.8:47002"];

/**
 * A `count`-message stream, each [topic, seq, 2 body frames of 1500 bytes],
 * from `publisher` in namespace 0 to `subscriber` in namespace 1 with nft
 * dropping one datagram in ten into each: the subscriber's report.
 */
async function epgmTransfer(
  publisher: Library | PeerCommand,
  subscriber: Library | PeerCommand,
  count: number,
) {
  const net = await PgmNet.create(2);
  try {
    await net.setLoss(0, PORT, 10);
    await net.setLoss(1, PORT, 10);
    const messages = { count, size: 3000, parts: 2, rate: 10_000 };
    const sub = await startPeer(net, 1, subscriber, "sub", { ...messages, timeout: 25 });
    const pub = await startPeer(net, 0, publisher, "pub", { ...messages, hold: 30 });
    try {
      const report = await sub.result;
      report.droppedIntoSubscriber = await net.dropped(1);
      return report;
    } finally {
      pub.kill();
      sub.kill();
      await pub.result.catch(() => {});
    }
  } finally {
    await net.close();
  }
}

function assertWhole(report: Record<string, number>, count: number): void {
  const text = JSON.stringify(report);
  assert.equal(report.received, count, text);
  assert.equal(report.bad, 0, text);
  assert.equal(report.gaps, 0, text);
  assert.equal(report.firstSeq, 0, text);
  assert.equal(report.lastSeq, count - 1, text);
  assert.ok(report.droppedIntoSubscriber > 0, `no loss happened: ${text}`);
}

for (const [runtime, path] of [["Node", node], ["Bun", bun]] as const) {
  Deno.test({
    name: `on ${runtime}, udp: our Radio reaches our Dish, which gets only the groups it joined`,
    ignore: path === null,
    async fn() {
      assert.match(await run(path!, "udp-pair", "udp://127.0.0.1:*"), /50 of 100 messages/);
    },
  });

  Deno.test({
    name: `on ${runtime}, udp errors keep libzmq's codes (a Dish's bind; a Radio's source address)`,
    ignore: path === null,
    async fn() {
      assert.equal(
        await run(path!, "udp-errors", ""),
        "ok EADDRINUSE EADDRNOTAVAIL connect:delay EADDRNOTAVAIL",
      );
    },
  });

  Deno.test({
    name:
      `on ${runtime}, udp: a burst of 20 000 datagrams reaches a Dish in the same process whole`,
    ignore: path === null,
    async fn() {
      assert.match(await run(path!, "udp-burst", ""), /20000 datagrams in one burst, none lost/);
    },
  });

  Deno.test({
    name: `on ${runtime}, udp multicast in a private namespace, interface by address and by name`,
    ignore: path === null || namespaceSkip !== null,
    async fn(t) {
      for (const endpoint of MULTICAST) {
        await t.step(endpoint, async () => {
          assert.match(await run(path!, "udp-pair", endpoint, true), /50 of 100 messages/);
        });
      }
    },
  });

  Deno.test({
    name:
      `on ${runtime}, udp and epgm multicast leave with multicastHops as their TTL (nft counts)`,
    ignore: path === null || nftSkip !== null,
    async fn() {
      assert.equal(
        await run(path!, "udp-ttl", "", true),
        "ok udp TTL:packets 7:3 1:3, epgm all with TTL 7",
      );
    },
  });

  Deno.test({
    name: `on ${runtime}, udp: our Radio to libzmq's Dish and libzmq's Radio to our Dish`,
    ignore: path === null || libzmqSkip !== null,
    async fn(t) {
      const cases = [
        { endpoint: "udp://127.0.0.1:*", isolated: false },
        ...(namespaceSkip === null
          ? MULTICAST.map((endpoint) => ({ endpoint, isolated: true }))
          : []),
      ];
      for (const { endpoint, isolated } of cases) {
        await t.step(endpoint, async () => {
          assert.match(
            await run(path!, "udp-to-libzmq", endpoint, isolated),
            /libzmq's Dish received ours/,
          );
          assert.match(
            await run(path!, "udp-from-libzmq", endpoint, isolated),
            /5 messages from libzmq's Radio/,
          );
        });
      }
    },
  });

  const ours = async (): Promise<PeerCommand> => ({
    name: runtime,
    command: [path!, pgmPeer, `${await packagePath()}/mod.js`],
  });

  Deno.test({
    name: `on ${runtime}, epgm: our PUB to libzmq's SUB (pyzmq, OpenPGM) with 10 % loss, none lost`,
    ignore: path === null || pgmSkip !== null,
    async fn() {
      assertWhole(await epgmTransfer(await ours(), "libzmq", 300), 300);
    },
  });

  Deno.test({
    name: `on ${runtime}, epgm: libzmq's PUB (pyzmq, OpenPGM) to our SUB with 10 % loss, none lost`,
    ignore: path === null || pgmSkip !== null,
    async fn() {
      assertWhole(await epgmTransfer("libzmq", await ours(), 300), 300);
    },
  });
}
