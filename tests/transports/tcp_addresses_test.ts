/** tcp endpoint forms from libzmq: ipv6 (`*` takes both families), interface names, source addresses. */

import assert from "node:assert/strict";
import { messageProperty, Pull, Push, type ZmqError } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "../cli/python.ts";
import { LibzmqPeer } from "../interop/libzmq.ts";
import { hasIpv6Loopback } from "./cases.ts";

const portOf = (endpoint: string) => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
const v6Note = hasIpv6Loopback ? "" : " (skipped: no IPv6 loopback)";

function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

async function deliver(to: string, text: string, pull: Pull, options = {}): Promise<Uint8Array[]> {
  using push = new Push(options);
  push.connect(to);
  await push.send(text);
  return await within(5000, pull.receive());
}

Deno.test({
  name: `ipv6: a * bind takes IPv4 and IPv6 clients, reported as tcp://[::]:port${v6Note}`,
  ignore: !hasIpv6Loopback,
  fn: async () => {
    using pull = new Pull({ ipv6: true });
    await pull.bind("tcp://*:*");
    assert.match(pull.lastEndpoint!, /^tcp:\/\/\[::\]:\d+$/);
    const port = portOf(pull.lastEndpoint!);
    assert.deepEqual(texts(await deliver(`tcp://127.0.0.1:${port}`, "v4", pull)), ["v4"]);
    assert.deepEqual(texts(await deliver(`tcp://[::1]:${port}`, "v6", pull)), ["v6"]);
  },
});

Deno.test({
  name: `without ipv6, a * bind is IPv4 only: an IPv6 client gets nowhere${v6Note}`,
  ignore: !hasIpv6Loopback,
  fn: async () => {
    using pull = new Pull({ receiveTimeout: 300 });
    await pull.bind("tcp://*:*");
    assert.match(pull.lastEndpoint!, /^tcp:\/\/0\.0\.0\.0:\d+$/);
    using push = new Push({ linger: 0 });
    push.connect(`tcp://[::1]:${portOf(pull.lastEndpoint!)}`);
    await push.send("lost");
    await assert.rejects(pull.receive(), (err: ZmqError) => err.code === "EAGAIN");
  },
});

Deno.test("an interface name binds its address: tcp://lo:* is 127.0.0.1, with ipv6 [::1]", async () => {
  using v4 = new Pull();
  await v4.bind("tcp://lo:*");
  assert.match(v4.lastEndpoint!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(texts(await deliver(v4.lastEndpoint!, "via lo", v4)), ["via lo"]);
  if (hasIpv6Loopback) {
    using v6 = new Pull({ ipv6: true });
    await v6.bind("tcp://lo:*");
    assert.match(v6.lastEndpoint!, /^tcp:\/\/\[::1\]:\d+$/);
  }
});

Deno.test("a source address picks where a connection starts: tcp://127.0.0.1:P;destination", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const source = freePort();
  const accepted: string[] = [];
  (async () => {
    for await (const event of pull.events) if (event.type === "accept") accepted.push(event.peer!);
  })();
  const msg = await deliver(
    `tcp://127.0.0.1:${source};${pull.lastEndpoint!.slice(6)}`,
    "from P",
    pull,
  );
  assert.deepEqual(texts(msg), ["from P"]);
  assert.deepEqual(accepted, [`tcp://127.0.0.1:${source}`]);
  assert.equal(messageProperty(msg, "Peer-Address"), "127.0.0.1");
});

Deno.test("a source address may be an interface with any port: tcp://lo:0;destination", async () => {
  using pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const msg = await deliver(`tcp://lo:0;${pull.lastEndpoint!.slice(6)}`, "from lo", pull);
  assert.deepEqual(texts(msg), ["from lo"]);
});

Deno.test("a source address is for connect only; a bind with one is EINVAL", async () => {
  using pull = new Pull();
  await assert.rejects(pull.bind("tcp://127.0.0.1:0;127.0.0.1:*"), { code: "EINVAL" });
});

Deno.test({
  name: withPyzmq("libzmq binds tcp://lo:* and a source address the same way"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const source = freePort();
    using pull = new Pull();
    await pull.bind("tcp://lo:*");
    const accepted: string[] = [];
    (async () => {
      for await (const event of pull.events) {
        if (event.type === "accept") accepted.push(event.peer!);
      }
    })();
    const python = new PythonPeer(`
import zmq
ctx = zmq.Context()
s = ctx.socket(zmq.PULL)
s.bind("tcp://lo:*")
print(s.getsockopt(zmq.LAST_ENDPOINT).decode())
p = ctx.socket(zmq.PUSH)
p.setsockopt(zmq.LINGER, 2000)
p.connect("tcp://127.0.0.1:${source};${pull.lastEndpoint!.slice(6)}")
p.send(b"from libzmq")
p.close()
s.close(0)
ctx.term()
`);
    try {
      const theirs = await python.line();
      assert.equal(theirs.replace(/:\d+$/, ""), pull.lastEndpoint!.replace(/:\d+$/, ""));
      assert.deepEqual(texts(await within(5000, pull.receive())), ["from libzmq"]);
      assert.deepEqual(accepted, [`tcp://127.0.0.1:${source}`]);
    } finally {
      python.stop();
      await python.finished();
    }
  },
});

Deno.test({
  name:
    `ipv6 against libzmq: both report a * bind as tcp://[::]:port and take IPv6 clients${v6Note}`,
  ignore: !hasIpv6Loopback,
  fn: async () => {
    await using peer = await LibzmqPeer.start();
    const theirs = await peer.socket("Pull", { ipv6: true });
    const theirEndpoint = await theirs.bind("tcp://*:*");
    using ours = new Pull({ ipv6: true });
    await ours.bind("tcp://*:*");
    assert.equal(theirEndpoint.replace(/:\d+$/, ""), ours.lastEndpoint!.replace(/:\d+$/, ""));
    // A libzmq client over IPv6 to our dual-stack bind, and ours to libzmq's.
    const push = await peer.socket("Push", { ipv6: true });
    await push.connect(`tcp://[::1]:${portOf(ours.lastEndpoint!)}`);
    await push.send("libzmq over v6");
    assert.deepEqual(texts(await within(5000, ours.receive())), ["libzmq over v6"]);
    using ourPush = new Push();
    ourPush.connect(`tcp://[::1]:${portOf(theirEndpoint)}`);
    await ourPush.send("ours over v6");
    assert.deepEqual(texts(await theirs.receive()), ["ours over v6"]);
    await push.close();
    await theirs.close();
  },
});
