import assert from "node:assert/strict";
import { Pair, proxy, Pull, Push } from "../../mod.ts";
import { delay, texts, within } from "../helpers.ts";

/** A STREAMER: producer → [Pull frontend | proxy | Push backend] → consumer. */
async function streamer() {
  const frontend = new Pull();
  await frontend.bind("tcp://127.0.0.1:*");
  const backend = new Push({ linger: 0 });
  await backend.bind("tcp://127.0.0.1:*");
  const producer = new Push({ linger: 0 });
  producer.connect(frontend.lastEndpoint!);
  const consumer = new Pull();
  consumer.connect(backend.lastEndpoint!);
  const close = () => [frontend, backend, producer, consumer].forEach((s) => s.close());
  return { frontend, backend, producer, consumer, close };
}

async function controlPair() {
  const ours = new Pair({ linger: 0 });
  const theirs = new Pair({ linger: 0 });
  await ours.bind("inproc://proxy-control-" + crypto.randomUUID());
  theirs.connect(ours.lastEndpoint!);
  return { control: ours, steer: theirs };
}

Deno.test("proxy forwards messages from frontend to backend", async () => {
  const s = await streamer();
  const stop = new AbortController();
  const running = proxy(s.frontend, s.backend, { signal: stop.signal });
  await s.producer.send(["job", "1"]);
  assert.deepEqual(texts(await within(5000, s.consumer.receive())), ["job", "1"]);
  stop.abort();
  await within(5000, running);
  s.close();
});

Deno.test("proxy sends a copy of each message to capture", async () => {
  const s = await streamer();
  const capture = new Push({ linger: 0 });
  await capture.bind("inproc://proxy-capture");
  const captured = new Pull();
  captured.connect("inproc://proxy-capture");
  const stop = new AbortController();
  const running = proxy(s.frontend, s.backend, { capture, signal: stop.signal });
  await s.producer.send("seen twice");
  assert.deepEqual(texts(await within(5000, s.consumer.receive())), ["seen twice"]);
  assert.deepEqual(texts(await within(5000, captured.receive())), ["seen twice"]);
  stop.abort();
  await within(5000, running);
  s.close();
  capture.close();
  captured.close();
});

Deno.test("PAUSE holds messages back until RESUME", async () => {
  const s = await streamer();
  const { control, steer } = await controlPair();
  const running = proxy(s.frontend, s.backend, { control });
  await steer.send("PAUSE");
  await delay(20);
  await s.producer.send("held");
  s.consumer.receiveTimeout = 100;
  await assert.rejects(s.consumer.receive(), { code: "EAGAIN" });
  await steer.send("RESUME");
  s.consumer.receiveTimeout = 5000;
  assert.deepEqual(texts(await s.consumer.receive()), ["held"]);
  await steer.send("TERMINATE");
  await within(5000, running);
  s.close();
  control.close();
  steer.close();
});

Deno.test("STATISTICS answers with libzmq's eight counters", async () => {
  const s = await streamer();
  const { control, steer } = await controlPair();
  const running = proxy(s.frontend, s.backend, { control });
  await s.producer.send("12345");
  await s.producer.send(["ab", "c"]);
  await within(5000, s.consumer.receive());
  await within(5000, s.consumer.receive());
  await steer.send("STATISTICS");
  const reply = await within(5000, steer.receive());
  const counters = reply.map((f) =>
    Number(new DataView(f.buffer, f.byteOffset).getBigUint64(0, true))
  );
  // frontend: 2 msgs / 8 bytes in, nothing out; backend: nothing in, 2 msgs / 8 bytes out.
  assert.deepEqual(counters, [2, 8, 0, 0, 0, 0, 2, 8]);
  await steer.send("TERMINATE");
  await within(5000, running);
  s.close();
  control.close();
  steer.close();
});

Deno.test("proxy ends when the frontend closes", async () => {
  const s = await streamer();
  const running = proxy(s.frontend, s.backend);
  s.frontend.close();
  await within(5000, running);
  s.close();
});

Deno.test("a slow backend slows the frontend instead of growing memory", async () => {
  // Backend peer never reads: with HWM 10 everywhere, the proxy blocks on
  // send, stops receiving, and the producer's sends start to wait.
  const frontend = new Pull({ receiveHighWaterMark: 10 });
  await frontend.bind("tcp://127.0.0.1:*");
  const backend = new Push({ sendHighWaterMark: 10, linger: 0 });
  await backend.bind("inproc://slow-backend");
  const stalled = new Pull({ receiveHighWaterMark: 10 });
  stalled.connect("inproc://slow-backend");
  const producer = new Push({ sendHighWaterMark: 10, linger: 0 });
  producer.connect(frontend.lastEndpoint!);
  const stop = new AbortController();
  const running = proxy(frontend, backend, { signal: stop.signal });
  let sent = 0;
  const body = new Uint8Array(64 * 1024);
  const sending = (async () => {
    for (let i = 0; i < 2000; i++) {
      await producer.send(body);
      sent++;
    }
  })().catch(() => {});
  await delay(500);
  // Bounded by the queues (a few HWMs plus what TCP buffers hold), not 2000 × 64 KiB.
  assert.ok(sent < 500, `producer was not slowed down: ${sent} sent`);
  stop.abort();
  await within(5000, running);
  producer.close();
  await sending;
  [frontend, backend, stalled].forEach((s) => s.close());
});
