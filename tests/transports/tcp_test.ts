/** tcp:// endpoints: IPv6, host names, wildcards, ephemeral ports, many endpoints per socket. */

import assert from "node:assert/strict";
import { Pull, Push, ZmqError } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { hasIpv6Loopback, ipcDir } from "./cases.ts";

const hasCode = (code: string) => (err: unknown) => err instanceof ZmqError && err.code === code;

/** The port of a `tcp://host:port` endpoint. */
const portOf = (endpoint: string) => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));

async function roundTrip(pull: Pull, connectTo: string, text: string): Promise<void> {
  using push = new Push();
  push.connect(connectTo);
  await push.send(text);
  assert.deepEqual(texts(await within(5000, pull.receive())), [text]);
}

Deno.test({
  name: `tcp over IPv6 loopback: tcp://[::1]:*${
    hasIpv6Loopback ? "" : " (skipped: no IPv6 loopback)"
  }`,
  ignore: !hasIpv6Loopback,
  fn: async () => {
    using pull = new Pull();
    await pull.bind("tcp://[::1]:*");
    assert.match(pull.lastEndpoint!, /^tcp:\/\/\[::1\]:\d+$/);
    await roundTrip(pull, pull.lastEndpoint!, "over IPv6");
  },
});

Deno.test("tcp connect accepts a host name (localhost)", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  await roundTrip(pull, `tcp://localhost:${portOf(pull.lastEndpoint!)}`, "by name");
});

Deno.test("tcp connect to a host name keeps resolving it until a peer listens", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  using push = new Push({ reconnectInterval: 10 });
  push.connect(`tcp://localhost:${port}`);
  await push.send("queued while nobody listened");
  using pull = new Pull();
  await pull.bind(`tcp://127.0.0.1:${port}`);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["queued while nobody listened"]);
});

Deno.test("tcp bind on * listens on every IPv4 interface", async () => {
  using pull = new Pull();
  await pull.bind("tcp://*:*");
  assert.match(pull.lastEndpoint!, /^tcp:\/\/0\.0\.0\.0:\d+$/);
  await roundTrip(pull, `tcp://127.0.0.1:${portOf(pull.lastEndpoint!)}`, "via 127.0.0.1");
});

Deno.test("tcp port * and port 0 both pick a free port, reported by lastEndpoint", async () => {
  using a = new Pull();
  using b = new Pull();
  await a.bind("tcp://127.0.0.1:*");
  await b.bind("tcp://127.0.0.1:0");
  assert.ok(portOf(a.lastEndpoint!) > 0);
  assert.ok(portOf(b.lastEndpoint!) > 0);
  assert.notEqual(a.lastEndpoint, b.lastEndpoint);
});

Deno.test("one socket binds several endpoints, on every transport at once", async () => {
  using pull = new Pull();
  const endpoints: string[] = [];
  for (
    const endpoint of ["tcp://127.0.0.1:*", "tcp://127.0.0.1:0", `ipc://${ipcDir()}/many.sock`]
  ) {
    await pull.bind(endpoint);
    endpoints.push(pull.lastEndpoint!);
  }
  await pull.bind("inproc://many-endpoints");
  endpoints.push("inproc://many-endpoints");
  for (const endpoint of endpoints) await roundTrip(pull, endpoint, `via ${endpoint}`);
});

Deno.test("one socket connects to several endpoints and deals messages to all", async () => {
  const pulls = [new Pull(), new Pull(), new Pull()];
  try {
    for (const pull of pulls) await pull.bind("tcp://127.0.0.1:*");
    using push = new Push();
    for (const pull of pulls) push.connect(pull.lastEndpoint!);
    for (let i = 0; i < 6; i++) await push.send(String(i));
    for (const pull of pulls) {
      const two = [await within(5000, pull.receive()), await within(5000, pull.receive())];
      assert.equal(two.length, 2);
    }
  } finally {
    for (const pull of pulls) pull.close();
  }
});

Deno.test("a tcp port can be bound again right after unbind", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const endpoint = pull.lastEndpoint!;
  await pull.unbind(endpoint);
  using other = new Pull();
  await other.bind(endpoint);
  await roundTrip(other, endpoint, "rebound");
});

Deno.test("a tcp port can be bound again right after the socket closes", async () => {
  const first = new Pull();
  await first.bind("tcp://127.0.0.1:*");
  const endpoint = first.lastEndpoint!;
  first.close();
  using second = new Pull();
  await second.bind(endpoint);
  await roundTrip(second, endpoint, "after close");
});

Deno.test("unbind takes the resolved endpoint, not the wildcard (as libzmq)", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  await assert.rejects(pull.unbind("tcp://127.0.0.1:*"), hasCode("ENOENT"));
  await pull.unbind(pull.lastEndpoint!);
});

Deno.test("binding a tcp port another socket holds is EADDRINUSE", async () => {
  using a = new Pull();
  await a.bind("tcp://127.0.0.1:*");
  using b = new Pull();
  await assert.rejects(b.bind(a.lastEndpoint!), hasCode("EADDRINUSE"));
});

Deno.test("malformed tcp endpoints are EINVAL; unknown transports EPROTONOSUPPORT", () => {
  using push = new Push();
  for (
    const bad of [
      "tcp://*:5555",
      "tcp://127.0.0.1:*",
      "tcp://127.0.0.1:0",
      "tcp://::1:5555",
      "tcp://127.0.0.1",
      "tcp://:5555",
      "tcp://127.0.0.1:65536",
    ]
  ) {
    assert.throws(() => push.connect(bad), hasCode("EINVAL"), bad);
  }
  assert.throws(() => push.connect("sctp://127.0.0.1:5555"), hasCode("EPROTONOSUPPORT"));
});

/** Established IPv4 connections from /proc/net/tcp: ports and the kernel's timer kind ("tr"). */
function tcpTable(): { local: number; remote: number; timer: string }[] {
  const port = (address: string) => parseInt(address.split(":")[1], 16);
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 5 && fields[3] === "01")
    .map(([, local, remote, , , timer]) => ({
      local: port(local),
      remote: port(remote),
      timer: timer.split(":")[0],
    }));
}

/** Timer kinds of the connection to `boundPort`: [connecting side, accepting side]. */
function keepaliveTimers(boundPort: number): [string, string] {
  const table = tcpTable();
  const connecting = table.find((row) => row.remote === boundPort);
  assert.ok(connecting !== undefined, "the connection is in /proc/net/tcp");
  const accepting = table.find((row) => row.local === boundPort && row.remote === connecting.local);
  assert.ok(accepting !== undefined, "the accepted end is in /proc/net/tcp");
  return [connecting.timer, accepting.timer];
}

const canReadTcpTable = Deno.build.os === "linux" && (() => {
  try {
    return Deno.readTextFileSync("/proc/net/tcp").length > 0;
  } catch {
    return false;
  }
})();
const tableNote = canReadTcpTable ? "" : " (skipped: no /proc/net/tcp)";

/** Connects a PUSH to a PULL, both with `tcpKeepalive`, and returns the kernel's timer kinds. */
async function timersWith(tcpKeepalive: number | undefined): Promise<[string, string]> {
  using pull = new Pull({ tcpKeepalive });
  await pull.bind("tcp://127.0.0.1:*");
  using push = new Push({ tcpKeepalive });
  push.connect(pull.lastEndpoint!);
  await push.send("hello");
  await within(5000, pull.receive());
  return keepaliveTimers(portOf(pull.lastEndpoint!));
}

Deno.test({
  name: `tcpKeepalive: 1 turns TCP keep-alive on at both ends${tableNote}`,
  ignore: !canReadTcpTable,
  fn: async () => {
    // Linux lists a running keep-alive timer as timer kind 02.
    assert.deepEqual(await timersWith(1), ["02", "02"]);
  },
});

Deno.test({
  name: `tcpKeepalive: -1 (default) leaves the OS default, off on Linux${tableNote}`,
  ignore: !canReadTcpTable,
  fn: async () => {
    assert.deepEqual(await timersWith(undefined), ["00", "00"]);
  },
});
