import assert from "node:assert/strict";
import { Pull, Push, type ZmqError } from "../../mod.ts";
import { delay, texts, within } from "../helpers.ts";
import { LibzmqPeer } from "./libzmq.ts";

Deno.test("conflate: our PULL keeps only the newest of a libzmq PUSH's burst", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = new Pull({ conflate: true });
  await pull.bind("tcp://127.0.0.1:*");
  const push = await peer.socket("Push");
  await push.connect(pull.lastEndpoint!);
  await push.send("first");
  assert.deepEqual(texts(await within(10000, pull.receive())), ["first"]);
  await push.sendMany(Array.from({ length: 100 }, (_, i) => [`m${i}`]));
  await delay(300);
  assert.deepEqual(texts(await pull.receive()), ["m99"]);
  pull.receiveTimeout = 100;
  await assert.rejects(pull.receive(), (err: ZmqError) => err.code === "EAGAIN");
  pull.close();
  await push.close();
});

Deno.test("conflate: our PUSH hands a libzmq PULL only the newest message queued before it bound", async () => {
  await using peer = await LibzmqPeer.start();
  const probe = new Pull();
  await probe.bind("tcp://127.0.0.1:*");
  const endpoint = probe.lastEndpoint!;
  await probe.unbind(endpoint);
  probe.close();
  const push = new Push({ conflate: true, sendHighWaterMark: 2, sendTimeout: 0 });
  push.connect(endpoint);
  for (let i = 0; i < 5; i++) await push.send(`m${i}`);
  const pull = await peer.socket("Pull");
  await pull.bind(endpoint);
  assert.deepEqual(texts(await pull.receive()), ["m4"]);
  await assert.rejects(pull.receive(200), (err: { code: string | null }) => err.code === "EAGAIN");
  push.close();
  await pull.close();
});
