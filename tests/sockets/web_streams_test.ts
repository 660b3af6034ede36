import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { delay, texts, within } from "../helpers.ts";

async function pushPull(
  options: { sendHighWaterMark?: number; receiveHighWaterMark?: number } = {},
) {
  const pull = new Pull({ receiveHighWaterMark: options.receiveHighWaterMark ?? 1000 });
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ sendHighWaterMark: options.sendHighWaterMark ?? 1000, linger: 0 });
  push.connect(pull.lastEndpoint!);
  return { push, pull };
}

Deno.test("readable yields one message per chunk", async () => {
  const { push, pull } = await pushPull();
  await push.send(["a", "b"]);
  await push.send("c");
  const reader = pull.readable.getReader();
  assert.deepEqual(texts((await within(5000, reader.read())).value!), ["a", "b"]);
  assert.deepEqual(texts((await within(5000, reader.read())).value!), ["c"]);
  reader.releaseLock();
  push.close();
  pull.close();
});

Deno.test("writable sends each chunk", async () => {
  const { push, pull } = await pushPull();
  const writer = push.writable.getWriter();
  await writer.write(["x", "y"]);
  await writer.write("z");
  writer.releaseLock();
  assert.deepEqual(texts(await within(5000, pull.receive())), ["x", "y"]);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["z"]);
  push.close();
  pull.close();
});

Deno.test("pipeThrough transforms messages on the way", async () => {
  const { push, pull } = await pushPull();
  await push.send("hello");
  const upper = new TransformStream<Uint8Array[], string>({
    transform: (msg, controller) => controller.enqueue(texts(msg)[0].toUpperCase()),
  });
  const reader = pull.readable.pipeThrough(upper).getReader();
  assert.equal((await within(5000, reader.read())).value, "HELLO");
  await reader.cancel();
  push.close();
  pull.close();
});

Deno.test("closing the socket ends its readable stream", async () => {
  const { push, pull } = await pushPull();
  const reader = pull.readable.getReader();
  const pending = reader.read();
  await delay(10);
  pull.close();
  assert.deepEqual(await within(5000, pending), { value: undefined, done: true });
  push.close();
});

Deno.test("cancelling the readable keeps the socket usable and loses no message", async () => {
  const { push, pull } = await pushPull();
  const reader = pull.readable.getReader();
  const pending = reader.read();
  await delay(10);
  await reader.cancel();
  await pending;
  await push.send("after cancel");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["after cancel"]);
  push.close();
  pull.close();
});

Deno.test("writable back-pressure is the high-water mark", async () => {
  // Nobody is connected: a PUSH with sendHighWaterMark 2 queues two messages
  // on its connecting pipe, and the third write waits.
  const push = new Push({ sendHighWaterMark: 2, linger: 0 });
  push.connect("tcp://127.0.0.1:1");
  const writer = push.writable.getWriter();
  await within(5000, writer.write("1"));
  await within(5000, writer.write("2"));
  let third = false;
  writer.write("3").then(() => third = true, () => {});
  await delay(50);
  assert.equal(third, false);
  writer.releaseLock();
  push.close();
});

Deno.test("sub.readable.pipeTo(pub.writable) relays messages", async () => {
  const { push: source, pull: middle } = await pushPull();
  const sink = new Pull();
  await sink.bind("tcp://127.0.0.1:*");
  const forward = new Push({ linger: 0 });
  forward.connect(sink.lastEndpoint!);
  const relay = middle.readable.pipeTo(forward.writable).catch(() => {});
  for (let i = 0; i < 100; i++) await source.send(["n", String(i)]);
  for (let i = 0; i < 100; i++) {
    assert.deepEqual(texts(await within(5000, sink.receive())), ["n", String(i)]);
  }
  middle.close();
  await within(5000, relay);
  source.close();
  forward.close();
  sink.close();
});
