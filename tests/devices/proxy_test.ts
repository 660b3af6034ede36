import assert from "node:assert/strict";
import {
  Dealer,
  Pair,
  proxy,
  ProxyStatistics,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type SocketBase,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../mod.ts";
import { delay, eventually, texts, within } from "../helpers.ts";

/** A STREAMER: producer → [Pull frontend | proxy | Push backend] → consumer. */
async function streamer(hwm = 1000) {
  const frontend = new Pull({ receiveHighWaterMark: hwm });
  await frontend.bind("tcp://127.0.0.1:*");
  const backend = new Push({ sendHighWaterMark: hwm, linger: 0 });
  await backend.bind("tcp://127.0.0.1:*");
  const producer = new Push({ sendHighWaterMark: hwm, linger: 0 });
  producer.connect(frontend.lastEndpoint!);
  const consumer = new Pull({ receiveHighWaterMark: hwm });
  consumer.connect(backend.lastEndpoint!);
  const close = () => [frontend, backend, producer, consumer].forEach((s) => s.close());
  return { frontend, backend, producer, consumer, close };
}

/** A control socket for the proxy and the socket that steers it, over inproc. */
async function controlPair<C extends SocketBase, S extends SocketBase>(
  control: C,
  steer: S,
): Promise<{ control: C; steer: S }> {
  await control.bind("inproc://proxy-control-" + crypto.randomUUID());
  steer.connect(control.lastEndpoint!);
  return { control, steer };
}

function counters(frames: Uint8Array[]): number[] {
  return frames.map((f) => {
    assert.equal(f.length, 8);
    return Number(new DataView(f.buffer, f.byteOffset).getBigUint64(0, true));
  });
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

Deno.test("a QUEUE device carries requests and replies, and captures both", async () => {
  const frontend = new Router();
  await frontend.bind("tcp://127.0.0.1:*");
  const backend = new Dealer();
  await backend.bind("tcp://127.0.0.1:*");
  const capture = new Pull();
  await capture.bind("inproc://queue-capture");
  const capturer = new Push({ linger: 0 });
  capturer.connect("inproc://queue-capture");
  const worker = new Reply();
  worker.connect(backend.lastEndpoint!);
  const client = new Request();
  client.connect(frontend.lastEndpoint!);
  const stop = new AbortController();
  const running = proxy(frontend, backend, { capture: capturer, signal: stop.signal });
  const serving = (async () => {
    const [name] = await worker.receive();
    await worker.send(["hello", name]);
  })();
  await client.send("world");
  assert.deepEqual(texts(await within(5000, client.receive())), ["hello", "world"]);
  await within(5000, serving);
  // [clientId, "", "world"] on the way in, [clientId, "", "hello", "world"] on the way back.
  const request = await within(5000, capture.receive());
  const reply = await within(5000, capture.receive());
  assert.deepEqual(texts(request.slice(1)), ["", "world"]);
  assert.deepEqual(texts(reply.slice(1)), ["", "hello", "world"]);
  stop.abort();
  await within(5000, running);
  [frontend, backend, capture, capturer, worker, client].forEach((s) => s.close());
});

Deno.test("PAUSE holds messages back until RESUME", async () => {
  const s = await streamer();
  const { control, steer } = await controlPair(new Pair({ linger: 0 }), new Pair({ linger: 0 }));
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

Deno.test("while paused the high-water marks push back on the sender", async () => {
  const s = await streamer(5);
  const { control, steer } = await controlPair(new Pair({ linger: 0 }), new Pair({ linger: 0 }));
  const running = proxy(s.frontend, s.backend, { control });
  await steer.send("PAUSE");
  await delay(20);
  let sent = 0;
  const body = new Uint8Array(64 * 1024);
  const sending = (async () => {
    for (let i = 0; i < 400; i++) {
      await s.producer.send([String(i), body]);
      sent++;
    }
  })();
  await delay(300);
  // The producer's HWM plus the frontend's, and what the TCP buffers hold:
  // a few MB, not 400 × 64 KiB.
  assert.ok(sent < 400, `the producer was not held back: ${sent} sent`);
  await steer.send("RESUME");
  for (let i = 0; i < 400; i++) {
    const [n] = texts(await within(5000, s.consumer.receive()));
    assert.equal(n, String(i));
  }
  await within(5000, sending);
  await steer.send("TERMINATE");
  await within(5000, running);
  s.close();
  control.close();
  steer.close();
});

Deno.test("STATISTICS answers with libzmq's eight counters, counting frames", async () => {
  const s = await streamer();
  const { control, steer } = await controlPair(new Pair({ linger: 0 }), new Pair({ linger: 0 }));
  const running = proxy(s.frontend, s.backend, { control });
  await s.producer.send("12345");
  await s.producer.send(["ab", "c"]);
  await within(5000, s.consumer.receive());
  await within(5000, s.consumer.receive());
  await steer.send("STATISTICS");
  const reply = await within(5000, steer.receive());
  // libzmq 4.3.5: frontend received 3 frames / 8 bytes and sent nothing;
  // the backend received nothing and sent 3 frames / 8 bytes.
  assert.deepEqual(counters(reply), [3, 8, 0, 0, 0, 0, 3, 8]);
  await steer.send("TERMINATE");
  await within(5000, running);
  s.close();
  control.close();
  steer.close();
});

Deno.test("the statistics option counts whole messages, frames and bytes live", async () => {
  const s = await streamer();
  const statistics = new ProxyStatistics();
  const stop = new AbortController();
  const running = proxy(s.frontend, s.backend, { statistics, signal: stop.signal });
  await s.producer.send(["ab", "c"]);
  await s.producer.send("defg");
  await within(5000, s.consumer.receive());
  await within(5000, s.consumer.receive());
  assert.deepEqual({ ...statistics.frontend }, {
    messagesIn: 2,
    framesIn: 3,
    bytesIn: 7,
    messagesOut: 0,
    framesOut: 0,
    bytesOut: 0,
  });
  assert.deepEqual({ ...statistics.backend }, {
    messagesIn: 0,
    framesIn: 0,
    bytesIn: 0,
    messagesOut: 2,
    framesOut: 3,
    bytesOut: 7,
  });
  stop.abort();
  await within(5000, running);
  s.close();
});

Deno.test("a ROUTER frontend's replies count their routing id frame, as libzmq counts it", async () => {
  const frontend = new Router();
  await frontend.bind("tcp://127.0.0.1:*");
  const backend = new Dealer();
  await backend.bind("tcp://127.0.0.1:*");
  const worker = new Reply();
  worker.connect(backend.lastEndpoint!);
  const client = new Request({ routingId: "abcde" });
  client.connect(frontend.lastEndpoint!);
  const statistics = new ProxyStatistics();
  const stop = new AbortController();
  const running = proxy(frontend, backend, { statistics, signal: stop.signal });
  await client.send("world");
  await worker.send(["hello", ...(await within(5000, worker.receive()))]);
  await within(5000, client.receive());
  // ["abcde", "", "world"] in; ["abcde", "", "hello", "world"] out, the id included.
  assert.deepEqual(
    [statistics.frontend.framesIn, statistics.frontend.framesOut, statistics.frontend.bytesOut],
    [3, 4, 15],
  );
  stop.abort();
  await within(5000, running);
  [frontend, backend, worker, client].forEach((s) => s.close());
});

Deno.test("a Reply control socket answers every command, so a Request can steer", async () => {
  const s = await streamer();
  const { control, steer } = await controlPair(new Reply(), new Request({ linger: 0 }));
  const running = proxy(s.frontend, s.backend, { control });
  for (const command of ["PAUSE", "RESUME", "NONSENSE"]) {
    await steer.send(command);
    assert.deepEqual(texts(await within(5000, steer.receive())), [""], command);
  }
  await s.producer.send("after steering");
  assert.deepEqual(texts(await within(5000, s.consumer.receive())), ["after steering"]);
  await steer.send("STATISTICS");
  assert.deepEqual(counters(await within(5000, steer.receive())), [1, 14, 0, 0, 0, 0, 1, 14]);
  await steer.send("TERMINATE");
  assert.deepEqual(texts(await within(5000, steer.receive())), [""]);
  await within(5000, running);
  s.close();
  control.close();
  steer.close();
});

Deno.test("an unknown control command is ignored", async () => {
  const s = await streamer();
  const { control, steer } = await controlPair(new Pair({ linger: 0 }), new Pair({ linger: 0 }));
  const running = proxy(s.frontend, s.backend, { control });
  await steer.send("pause"); // commands are case-sensitive, as in libzmq
  await steer.send(["PAUSE", "extra"]); // and single-frame
  await s.producer.send("still flowing");
  assert.deepEqual(texts(await within(5000, s.consumer.receive())), ["still flowing"]);
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

Deno.test("proxy ends when the backend closes while it waits to send", async () => {
  const frontend = new Pull();
  await frontend.bind("tcp://127.0.0.1:*");
  const backend = new Push({ linger: 0 }); // no peer: a send waits
  const producer = new Push({ linger: 0 });
  producer.connect(frontend.lastEndpoint!);
  const statistics = new ProxyStatistics();
  const running = proxy(frontend, backend, { statistics });
  await producer.send("stuck");
  await eventually(() => statistics.frontend.messagesIn === 1, 5000, "the proxy has the message");
  backend.close();
  await within(5000, running);
  frontend.close();
  producer.close();
});

Deno.test("proxy ends when the control socket closes", async () => {
  const s = await streamer();
  const { control, steer } = await controlPair(new Pair({ linger: 0 }), new Pair({ linger: 0 }));
  const running = proxy(s.frontend, s.backend, { control });
  control.close();
  await within(5000, running);
  s.close();
  steer.close();
});

Deno.test("the sockets' timeouts do not stop the proxy", async () => {
  const s = await streamer();
  s.frontend.receiveTimeout = 20;
  const stop = new AbortController();
  const running = proxy(s.frontend, s.backend, { signal: stop.signal });
  await delay(100); // several receive timeouts pass
  await s.producer.send("later");
  assert.deepEqual(texts(await within(5000, s.consumer.receive())), ["later"]);
  stop.abort();
  await within(5000, running);
  s.close();
});

Deno.test("one socket as frontend and backend: a ROUTER that echoes", async () => {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ linger: 0 });
  dealer.connect(router.lastEndpoint!);
  const stop = new AbortController();
  const running = proxy(router, router, { signal: stop.signal });
  await dealer.send(["echo", "me"]);
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["echo", "me"]);
  stop.abort();
  await within(5000, running);
  router.close();
  dealer.close();
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

Deno.test("a FORWARDER's XPUB counts what its slow subscribers dropped", async () => {
  const frontend = new XSubscriber();
  await frontend.bind("inproc://fwd-front-" + crypto.randomUUID());
  const backend = new XPublisher({ sendHighWaterMark: 5 });
  await backend.bind("inproc://fwd-back-" + crypto.randomUUID());
  const publisher = new Publisher({ linger: 0 });
  publisher.connect(frontend.lastEndpoint!);
  const slow = new Subscriber({ receiveHighWaterMark: 5 });
  slow.connect(backend.lastEndpoint!);
  slow.subscribe("");
  const stop = new AbortController();
  const running = proxy(frontend, backend, { signal: stop.signal });
  await eventually(() => publisher.topicCount === 1, 5000, "the subscription upstream");
  // inproc queue = 5 + 5: of 50 messages the reader never takes, 40 are dropped.
  for (let i = 0; i < 50; i++) await publisher.send(String(i));
  await eventually(() => backend.droppedMessages === 40, 5000, "40 drops");
  assert.equal(backend.subscriberCount, 1);
  stop.abort();
  await within(5000, running);
  [frontend, backend, publisher, slow].forEach((s) => s.close());
});
