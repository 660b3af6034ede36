import assert from "node:assert/strict";
import { Publisher, Pull, Push, Subscriber } from "../../mod.ts";
import { delay, eventually, texts, within } from "../helpers.ts";

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

/** PUSH → PULL over inproc: the queue between them holds exactly sendHWM + receiveHWM. */
async function inprocPushPull(hwm: number) {
  const pull = new Pull({ receiveHighWaterMark: hwm });
  await pull.bind("inproc://web-streams-" + crypto.randomUUID());
  const push = new Push({ sendHighWaterMark: hwm, linger: 0 });
  push.connect(pull.lastEndpoint!);
  return { push, pull };
}

/** Sends numbered messages until one has to wait; returns how many went at once. */
async function sendUntilBlocked(push: Push, limit: number): Promise<number> {
  for (let i = 0; i < limit; i++) {
    let queued = false;
    const sending = push.send(String(i)).then(() => queued = true, () => {});
    await delay(0);
    if (!queued) {
      push.close(); // abandons the waiting send
      await sending;
      return i;
    }
  }
  return limit;
}

Deno.test("readable receives only what its reader asks for", async () => {
  const { push, pull } = await inprocPushPull(5);
  const reader = pull.readable.getReader();
  assert.deepEqual(
    texts(
      (await within(
        5000,
        (async () => {
          push.send("first");
          return await reader.read();
        })(),
      )).value!,
    ),
    ["first"],
  );
  // Nothing more is pulled: the 5 + 5 queue fills and the sender has to wait.
  assert.equal(await sendUntilBlocked(push, 50), 10);
  reader.releaseLock();
  pull.close();
});

Deno.test("pipeTo into a slow sink holds the sender back", async () => {
  const { push, pull } = await inprocPushPull(5);
  let taken = 0;
  let release = () => {};
  const stalled = new WritableStream<Uint8Array[]>({
    write: () => {
      taken++;
      return new Promise<void>((resolve) => release = resolve); // finishes when released
    },
  });
  const piping = pull.readable.pipeTo(stalled).catch(() => {});
  // One message sits in the stalled write, 10 in the queue; then the sender waits.
  assert.equal(await sendUntilBlocked(push, 50), 11);
  assert.equal(taken, 1);
  pull.close();
  release();
  await within(5000, piping);
});

Deno.test("aborting the writable abandons a write waiting for room", async () => {
  const push = new Push({ sendHighWaterMark: 1, linger: 0 });
  push.connect("tcp://127.0.0.1:1"); // never connects: one message fits
  const writer = push.writable.getWriter();
  await within(5000, writer.write("queued"));
  const waiting = writer.write("waits");
  await delay(20);
  await within(5000, writer.abort(new Error("enough")));
  await assert.rejects(waiting);
  assert.equal(push.closed, false);
  push.close();
});

Deno.test("after cancel or close, readable and writable are fresh streams", async () => {
  const { push, pull } = await pushPull();
  const first = pull.readable;
  await first.cancel();
  assert.notEqual(pull.readable, first);
  const firstWritable = push.writable;
  await firstWritable.close();
  const writer = push.writable.getWriter();
  assert.notEqual(push.writable, firstWritable);
  await writer.write("through the new writable");
  writer.releaseLock();
  const reader = pull.readable.getReader();
  assert.deepEqual(texts((await within(5000, reader.read())).value!), [
    "through the new writable",
  ]);
  reader.releaseLock();
  push.close();
  pull.close();
});

Deno.test("closing the socket behind a writable ends pipeTo and keeps the source open", async () => {
  const { push: source, pull: middle } = await pushPull();
  const forward = new Push({ linger: 0 });
  forward.connect("tcp://127.0.0.1:1");
  const piping = middle.readable.pipeTo(forward.writable);
  await source.send("one");
  await delay(20);
  forward.close();
  await source.send("two");
  await assert.rejects(within(5000, piping), { code: "ETERM" });
  // The readable was cancelled, not the socket: what was not taken is still there.
  assert.equal(middle.closed, false);
  source.close();
  middle.close();
});

Deno.test("Subscriber.readable piped into Publisher.writable is a pub/sub relay", async () => {
  const upstream = new Publisher({ linger: 0 });
  await upstream.bind("tcp://127.0.0.1:*");
  const relaySub = new Subscriber();
  relaySub.subscribe();
  relaySub.connect(upstream.lastEndpoint!);
  const relayPub = new Publisher({ linger: 0 });
  await relayPub.bind("tcp://127.0.0.1:*");
  const downstream = new Subscriber();
  downstream.subscribe("keep");
  downstream.connect(relayPub.lastEndpoint!);
  const relaying = relaySub.readable.pipeTo(relayPub.writable).catch(() => {});
  await eventually(() => upstream.topicCount === 1 && relayPub.topicCount === 1, 5000, "subs");
  await upstream.send(["drop", "x"]);
  await upstream.send(["keep", "y"]);
  assert.deepEqual(texts(await within(5000, downstream.receive())), ["keep", "y"]);
  relaySub.close();
  await within(5000, relaying);
  [upstream, relayPub, downstream].forEach((s) => s.close());
});
