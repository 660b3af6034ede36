import assert from "node:assert/strict";
import { bytes, pattern, texts } from "../helpers.ts";
import { type Binder, link } from "./link.ts";
import { LibzmqPeer } from "./libzmq.ts";

const SIZES = [0, 255, 256, 64 * 1024, 4 * 1024 * 1024];

for (const binder of ["ours", "libzmq"] as Binder[]) {
  const roles = binder === "ours" ? "we bind, libzmq connects" : "libzmq binds, we connect";

  Deno.test(`PAIR with libzmq (${roles}): multipart with empty frames both ways`, async () => {
    await using peer = await LibzmqPeer.start();
    const { ours, theirs, close } = await link(peer, "Pair", "Pair", binder);
    await ours.send(["", "to libzmq", ""].map(bytes));
    await theirs.send(["to us", "", "", "end"].map(bytes));
    assert.deepEqual(texts(await theirs.receive()), ["", "to libzmq", ""]);
    assert.deepEqual(texts(await ours.receive()), ["to us", "", "", "end"]);
    await ours.send([bytes("")]);
    assert.deepEqual(texts(await theirs.receive()), [""]);
    await close();
  });

  Deno.test(`PAIR with libzmq (${roles}): 0, 255, 256 bytes, 64 KiB, 4 MiB both ways`, async () => {
    await using peer = await LibzmqPeer.start();
    const { ours, theirs, close } = await link(peer, "Pair", "Pair", binder);
    for (const [i, size] of SIZES.entries()) {
      await ours.send([pattern(size, i)]);
      await theirs.send([pattern(size, i + 20)]);
    }
    await ours.send(SIZES.map((size, i) => pattern(size, i + 40)));
    await theirs.send(SIZES.map((size, i) => pattern(size, i + 60)));
    for (const [i, size] of SIZES.entries()) {
      assert.deepEqual(await theirs.receive(), [pattern(size, i)], `to libzmq, ${size} bytes`);
      assert.deepEqual(await ours.receive(), [pattern(size, i + 20)], `to us, ${size} bytes`);
    }
    assert.deepEqual(await theirs.receive(), SIZES.map((size, i) => pattern(size, i + 40)));
    assert.deepEqual(await ours.receive(), SIZES.map((size, i) => pattern(size, i + 60)));
    await close();
  });
}

Deno.test("PAIR with libzmq: 2,000 messages each way at once, in order", async () => {
  await using peer = await LibzmqPeer.start();
  const { ours, theirs, close } = await link(peer, "Pair", "Pair", "ours");
  const toThem = Array.from({ length: 2000 }, (_, i) => [pattern(i % 400, i), bytes(String(i))]);
  const toUs = Array.from({ length: 2000 }, (_, i) => [bytes(String(i)), pattern(i % 500, i)]);
  const [, , gotThem, gotUs] = await Promise.all([
    ours.sendMany(toThem),
    theirs.sendMany(toUs),
    theirs.receiveMany(toThem.length),
    ours.receiveMany(toUs.length),
  ]);
  assert.deepEqual(gotThem, toThem);
  assert.deepEqual(gotUs, toUs);
  await close();
});
