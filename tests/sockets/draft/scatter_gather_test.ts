import assert from "node:assert/strict";
import { Gather, Scatter, type ZmqError } from "../../../mod.ts";
import { texts, within } from "../../helpers.ts";
import { TRANSPORTS } from "../../transports/cases.ts";

const transports = TRANSPORTS.filter((t) => ["tcp", "ipc", "ws", "inproc"].includes(t.name));

for (const transport of transports) {
  Deno.test(`Scatter/Gather over ${transport.name}: round robin out, every message in`, async () => {
    // The scatter connects, so both pipes exist at once and the turns are fixed from the start.
    const gathers = [new Gather(), new Gather()];
    const scatter = new Scatter();
    for (const g of gathers) {
      await g.bind(transport.bindEndpoint());
      scatter.connect(transport.connectEndpoint(g.lastEndpoint!));
    }
    try {
      await within(
        10000,
        (async () => {
          for (let i = 0; i < 6; i++) await scatter.send(String(i));
          const a = await Promise.all([0, 1, 2].map(() => gathers[0].receive()));
          const b = await Promise.all([0, 1, 2].map(() => gathers[1].receive()));
          assert.deepEqual(a.map((m) => texts(m)[0]), ["0", "2", "4"]);
          assert.deepEqual(b.map((m) => texts(m)[0]), ["1", "3", "5"]);
        })(),
      );
    } finally {
      scatter.close();
      for (const g of gathers) g.close();
    }
  });
}

Deno.test("Gather: fair queue over its scatters", async () => {
  const gather = new Gather();
  await gather.bind("inproc://sg-fq");
  const scatters = [new Scatter(), new Scatter()];
  for (const s of scatters) s.connect("inproc://sg-fq");
  for (let i = 0; i < 3; i++) await scatters[0].send(`a${i}`);
  for (let i = 0; i < 3; i++) await scatters[1].send(`b${i}`);
  const got = [];
  for (let i = 0; i < 6; i++) got.push(texts(await gather.receive())[0]);
  assert.deepEqual(got, ["a0", "b0", "a1", "b1", "a2", "b2"]);
  for (const s of scatters) s.close();
  gather.close();
});

Deno.test("Scatter: a multipart send rejects with EINVAL; Gather cannot send, Scatter cannot receive", async () => {
  const scatter = new Scatter();
  const gather = new Gather();
  await assert.rejects(scatter.send(["a", "b"]), (err: ZmqError) => err.code === "EINVAL");
  await assert.rejects(gather.send("x"), (err: ZmqError) => err.code === "ENOTSUP");
  await assert.rejects(scatter.receive(), (err: ZmqError) => err.code === "ENOTSUP");
  scatter.close();
  gather.close();
});
