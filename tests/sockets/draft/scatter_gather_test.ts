import assert from "node:assert/strict";
import { Gather, Scatter, type ZmqError } from "../../../mod.ts";
import { texts, within } from "../../helpers.ts";
import { TRANSPORTS } from "../../transports/cases.ts";

const transports = TRANSPORTS.filter((t) => ["tcp", "ipc", "ws", "inproc"].includes(t.name));

for (const transport of transports) {
  Deno.test(`Scatter/Gather over ${transport.name}: round robin out, every message in`, async () => {
    const scatter = new Scatter();
    await scatter.bind(transport.bindEndpoint());
    const gathers = [new Gather(), new Gather()];
    for (const g of gathers) g.connect(transport.connectEndpoint(scatter.lastEndpoint!));
    try {
      await within(
        5000,
        (async () => {
          // Wait until both gathers are attached, so the round robin covers both.
          await scatter.send("probe-0");
          await scatter.send("probe-1");
          const probes = [
            ...texts(await gathers[0].receive()),
            ...texts(await gathers[1].receive()),
          ];
          assert.deepEqual(probes.sort(), ["probe-0", "probe-1"]);
          for (let i = 0; i < 6; i++) await scatter.send(String(i));
          const a = await Promise.all([0, 1, 2].map(() => gathers[0].receive()));
          const b = await Promise.all([0, 1, 2].map(() => gathers[1].receive()));
          const all = [...a, ...b].map((m) => texts(m)[0]).sort();
          assert.deepEqual(all, ["0", "1", "2", "3", "4", "5"]);
          // Alternating: each gather got every other message.
          const parity = a.map((m) => Number(texts(m)[0]) % 2);
          assert.ok(parity.every((p) => p === parity[0]));
        })(),
      );
    } finally {
      for (const g of gathers) g.close();
      scatter.close();
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
