// proxy() steered and fed by libzmq peers: a libzmq REQ steers it and reads
// STATISTICS as libzmq's own proxy sends it; a libzmq PUSH feeds it.
import assert from "node:assert/strict";
import { proxy, Pull, Push, Reply } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { LibzmqPeer } from "./libzmq.ts";

Deno.test("interop: a libzmq REQ steers our proxy fed by a libzmq PUSH", async () => {
  await using peer = await LibzmqPeer.start();
  const frontend = new Pull();
  const backend = new Push({ linger: 0 });
  const control = new Reply();
  const consumer = new Pull();
  await frontend.bind("tcp://127.0.0.1:*");
  await backend.bind("tcp://127.0.0.1:*");
  await control.bind("tcp://127.0.0.1:*");
  const running = proxy(frontend, backend, { control });
  try {
    const producer = await peer.socket("Push");
    await producer.connect(frontend.lastEndpoint!);
    // Ours, so that a receive that times out leaves nothing pending.
    consumer.connect(backend.lastEndpoint!);
    const steer = await peer.socket("Request");
    await steer.connect(control.lastEndpoint!);

    await steer.send("PAUSE");
    assert.deepEqual(texts(await steer.receive()), [""]);
    await producer.send(["held", "back"]);
    consumer.receiveTimeout = 200;
    await assert.rejects(consumer.receive(), { code: "EAGAIN" });
    consumer.receiveTimeout = 10000;
    await steer.send("RESUME");
    assert.deepEqual(texts(await steer.receive()), [""]);
    assert.deepEqual(texts(await consumer.receive()), ["held", "back"]);

    await steer.send("STATISTICS");
    const stats = await steer.receive();
    assert.equal(stats.length, 8);
    const values = stats.map((f) => {
      assert.equal(f.length, 8);
      return Number(new DataView(f.buffer, f.byteOffset).getBigUint64(0, true));
    });
    // Two frames of 4 bytes each way through: frontend in, backend out.
    assert.deepEqual(values, [2, 8, 0, 0, 0, 0, 2, 8]);

    await steer.send("TERMINATE");
    assert.deepEqual(texts(await steer.receive()), [""]);
    await within(5000, running);
  } finally {
    frontend.close();
    backend.close();
    control.close();
    consumer.close();
    await running;
  }
});
