/**
 * udp:// multicast (`udp://interface;group:port`), never on a real
 * interface: the cases run in udp_multicast_child.ts inside a private
 * network namespace (`unshare -n`, then `ip link set lo up`), which needs
 * root. Without root, unshare, ip or --unstable-net the test is skipped,
 * saying why.
 */

import assert from "node:assert/strict";

function skipReason(): string | null {
  if (typeof (Deno as { listenDatagram?: unknown }).listenDatagram !== "function") {
    return "Deno's UDP API needs --unstable-net";
  }
  if (Deno.uid() !== 0) return "a private network namespace (unshare -n) needs root";
  for (const tool of ["/usr/bin/unshare", "/usr/sbin/ip", "/sbin/ip", "/bin/ip"]) {
    try {
      Deno.statSync(tool);
      if (tool.endsWith("unshare")) continue;
      return null;
    } catch {
      if (tool.endsWith("unshare")) return "unshare (util-linux) is not installed";
    }
  }
  return "ip (iproute2) is not installed";
}

const reason = skipReason();
if (reason !== null) console.log(`NOTE: udp multicast tests skipped: ${reason}`);

Deno.test({
  name: "udp multicast in a private network namespace: ours↔ours, ours→libzmq, libzmq→ours",
  ignore: reason !== null,
  async fn() {
    const child = new URL("./udp_multicast_child.ts", import.meta.url).pathname;
    const script =
      `ip link set lo up && exec "${Deno.execPath()}" run -A --unstable-net "${child}"`;
    const out = await new Deno.Command("unshare", {
      args: ["-n", "sh", "-c", script],
      cwd: new URL("../../", import.meta.url).pathname,
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assert.deepEqual(lines, ["ok ours to ours", "ok ours to libzmq", "ok libzmq to ours"]);
    assert.equal(out.code, 0);
  },
});

/** Whether nft (nftables) runs here. */
function hasNft(): boolean {
  try {
    return new Deno.Command("nft", { args: ["--version"], stdout: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

const ttlSkip = reason ?? (hasNft() ? null : "nft (nftables) is not installed");
if (reason === null && ttlSkip !== null) console.log(`NOTE: udp TTL test skipped: ${ttlSkip}`);

Deno.test({
  name: "udp multicast leaves with multicastHops as its TTL (1 by default), counted by nft",
  ignore: ttlSkip !== null,
  async fn() {
    const child = new URL("./udp_multicast_child.ts", import.meta.url).pathname;
    const script =
      `ip link set lo up && exec "${Deno.execPath()}" run -A --unstable-net "${child}" ttl`;
    const out = await new Deno.Command("unshare", {
      args: ["-n", "sh", "-c", script],
      cwd: new URL("../../", import.meta.url).pathname,
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "ok ttl 7:3 1:3");
    assert.equal(out.code, 0);
  },
});
