/** inproc:// : in-process pipes, as libzmq 4.x has them. */

import assert from "node:assert/strict";
import { Context, Pair, Pull, Push, ZmqError } from "../../mod.ts";
import { bytes, texts, within } from "../helpers.ts";

let counter = 0;
const fresh = () => `inproc://test-${++counter}`;

/** Sends until `send` would wait; returns how many messages were queued. */
async function fillUntilBlocked(push: Push, limit = 10_000): Promise<number> {
  push.sendTimeout = 0;
  for (let n = 0; n < limit; n++) {
    try {
      await push.send(String(n));
    } catch (err) {
      assert.ok(err instanceof ZmqError && err.code === "EAGAIN", String(err));
      return n;
    }
  }
  throw new Error(`send never blocked after ${limit} messages`);
}

Deno.test("inproc hands over the very same buffers: no encoding, no copy", async () => {
  const endpoint = fresh();
  using pull = new Pull();
  await pull.bind(endpoint);
  using push = new Push();
  push.connect(endpoint);
  const frame = bytes("zero copy");
  await push.send([frame]);
  const [received] = await within(1000, pull.receive());
  assert.equal(received, frame);
});

Deno.test("inproc delivers messages queued before the name was bound", async () => {
  const endpoint = fresh();
  using push = new Push();
  push.connect(endpoint);
  await push.send("sent before bind");
  using pull = new Pull();
  await pull.bind(endpoint);
  assert.deepEqual(texts(await within(1000, pull.receive())), ["sent before bind"]);
});

Deno.test("inproc queue holds the sender's send HWM plus the receiver's receive HWM", async () => {
  const endpoint = fresh();
  using pull = new Pull({ receiveHighWaterMark: 2 });
  await pull.bind(endpoint);
  using push = new Push({ sendHighWaterMark: 3 });
  push.connect(endpoint);
  assert.equal(await fillUntilBlocked(push), 5);
});

Deno.test("inproc sizes a connect-before-bind queue with the binder's HWM once it binds", async () => {
  const endpoint = fresh();
  using push = new Push({ sendHighWaterMark: 3, receiveHighWaterMark: 1000 });
  push.connect(endpoint);
  using pull = new Pull({ receiveHighWaterMark: 2 });
  await pull.bind(endpoint);
  assert.equal(await fillUntilBlocked(push), 5);
});

Deno.test("inproc HWM 0 on either side means no limit", async () => {
  const endpoint = fresh();
  using pull = new Pull({ receiveHighWaterMark: 0 });
  await pull.bind(endpoint);
  using push = new Push({ sendHighWaterMark: 5 });
  push.connect(endpoint);
  await assert.rejects(fillUntilBlocked(push, 3000), /never blocked/);
});

Deno.test("inproc wakes a blocked sender when the receiver drains", async () => {
  const endpoint = fresh();
  using pull = new Pull({ receiveHighWaterMark: 1 });
  await pull.bind(endpoint);
  using push = new Push({ sendHighWaterMark: 1 });
  push.connect(endpoint);
  await push.send("1");
  await push.send("2");
  const third = push.send("3");
  assert.deepEqual(texts(await pull.receive()), ["1"]);
  assert.deepEqual(texts(await pull.receive()), ["2"]);
  await within(1000, third);
  assert.deepEqual(texts(await pull.receive()), ["3"]);
});

Deno.test("a second bind of an inproc name fails with EADDRINUSE", async () => {
  const endpoint = fresh();
  using a = new Pull();
  using b = new Pull();
  await a.bind(endpoint);
  await assert.rejects(
    b.bind(endpoint),
    (err) => err instanceof ZmqError && err.code === "EADDRINUSE",
  );
});

Deno.test("unbind releases an inproc name; pipes already made stay connected", async () => {
  const endpoint = fresh();
  using first = new Pull();
  await first.bind(endpoint);
  using push = new Push();
  push.connect(endpoint);
  await first.unbind(endpoint);
  await push.send("still connected");
  assert.deepEqual(texts(await within(1000, first.receive())), ["still connected"]);
  using second = new Pull();
  await second.bind(endpoint);
  using late = new Push();
  late.connect(endpoint);
  await late.send("to the new binder");
  assert.deepEqual(texts(await within(1000, second.receive())), ["to the new binder"]);
});

Deno.test("after an inproc disconnect the binder still reads what was queued", async () => {
  const endpoint = fresh();
  using pull = new Pull();
  await pull.bind(endpoint);
  using push = new Push();
  push.connect(endpoint);
  await push.send("a");
  await push.send("b");
  push.disconnect(endpoint);
  push.sendTimeout = 0;
  await assert.rejects(
    push.send("after"),
    (err) => err instanceof ZmqError && err.code === "EAGAIN",
  );
  assert.deepEqual(texts(await within(1000, pull.receive())), ["a"]);
  assert.deepEqual(texts(await within(1000, pull.receive())), ["b"]);
});

Deno.test("a binder cannot disconnect an inproc name it bound (ENOENT, as libzmq)", async () => {
  const endpoint = fresh();
  using pull = new Pull();
  await pull.bind(endpoint);
  using push = new Push();
  push.connect(endpoint);
  assert.throws(
    () => pull.disconnect(endpoint),
    (err) => err instanceof ZmqError && err.code === "ENOENT",
  );
  await push.send("still there");
  assert.deepEqual(texts(await within(1000, pull.receive())), ["still there"]);
});

Deno.test("a disconnect before the bind withdraws the pending inproc connection", async () => {
  const endpoint = fresh();
  using push = new Push();
  push.connect(endpoint);
  await push.send("withdrawn");
  push.disconnect(endpoint);
  using pull = new Pull({ receiveTimeout: 50 });
  await pull.bind(endpoint);
  await assert.rejects(pull.receive(), (err) => err instanceof ZmqError && err.code === "EAGAIN");
});

Deno.test("closing the inproc sender lets the receiver drain what was queued", async () => {
  const endpoint = fresh();
  using a = new Pair();
  await a.bind(endpoint);
  const b = new Pair();
  b.connect(endpoint);
  for (let i = 0; i < 3; i++) await b.send(String(i));
  b.close();
  for (let i = 0; i < 3; i++) assert.deepEqual(texts(await within(1000, a.receive())), [String(i)]);
});

Deno.test("closing the inproc binder ends the connecter's pipe; no reconnection", async () => {
  const endpoint = fresh();
  const pull = new Pull();
  await pull.bind(endpoint);
  using push = new Push({ sendTimeout: 0 });
  push.connect(endpoint);
  await push.send("delivered");
  pull.close();
  await assert.rejects(
    push.send("nobody"),
    (err) => err instanceof ZmqError && err.code === "EAGAIN",
  );
  using again = new Pull();
  await again.bind(endpoint);
  await assert.rejects(
    push.send("still nobody"),
    (err) => err instanceof ZmqError && err.code === "EAGAIN",
  );
});

Deno.test("inproc names are scoped to a Context", async () => {
  const one = new Context();
  const two = new Context();
  using inOne = new Pull({ context: one });
  using inTwo = new Pull({ context: two });
  using inDefault = new Pull();
  await inOne.bind("inproc://shared-name");
  await inTwo.bind("inproc://shared-name");
  await inDefault.bind("inproc://shared-name");
  using push = new Push({ context: two });
  push.connect("inproc://shared-name");
  await push.send("for context two");
  assert.deepEqual(texts(await within(1000, inTwo.receive())), ["for context two"]);
  inOne.receiveTimeout = 20;
  inDefault.receiveTimeout = 20;
  await assert.rejects(inOne.receive(), (err) => err instanceof ZmqError && err.code === "EAGAIN");
  await assert.rejects(
    inDefault.receive(),
    (err) => err instanceof ZmqError && err.code === "EAGAIN",
  );
});

Deno.test("sockets without a context share the default one", async () => {
  using pull = new Pull();
  using push = new Push({ context: Context.default });
  await pull.bind("inproc://default-context");
  push.connect("inproc://default-context");
  await push.send("hi");
  assert.deepEqual(texts(await within(1000, pull.receive())), ["hi"]);
});

Deno.test("an inproc-only program needs no permission at all", async () => {
  const program = new URL("./fixtures/inproc_only.ts", import.meta.url).pathname;
  for (const flags of [[], ["--deny-net", "--deny-read", "--deny-write", "--deny-env"]]) {
    const { code, stdout, stderr } = await within(
      20000,
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-prompt", "--no-lock", ...flags, program],
        stdout: "piped",
        stderr: "piped",
      }).output(),
    );
    const decoder = new TextDecoder();
    assert.equal(code, 0, `flags ${flags.join(" ")}: ${decoder.decode(stderr)}`);
    assert.equal(decoder.decode(stdout).trim(), "pong after ping");
  }
});
