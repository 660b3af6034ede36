import assert from "node:assert/strict";
import { Dish, messageGroup, Radio, type ZmqError } from "../../../mod.ts";
import { delay, texts, within } from "../../helpers.ts";
import { TRANSPORTS } from "../../transports/cases.ts";

const transports = TRANSPORTS.filter((t) => ["tcp", "ipc", "ws", "inproc"].includes(t.name));

/** Sends `probe` to `group` until the dish receives something (its join reached the radio). */
async function untilJoined(radio: Radio, dish: Dish, group: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await radio.send("probe", { group });
    try {
      await dish.receive({ signal: AbortSignal.timeout(20) });
      return;
    } catch { /* not yet */ }
  }
  throw new Error(`join of ${group} never reached the radio`);
}

/** The next message that is not a late probe of {@link untilJoined}. */
async function nextMessage(dish: Dish): Promise<Uint8Array[]> {
  for (;;) {
    const msg = await dish.receive();
    if (texts(msg)[0] !== "probe") return msg;
  }
}

for (const transport of transports) {
  Deno.test(`Radio/Dish over ${transport.name}: exact-match groups, join and leave`, async () => {
    const radio = new Radio();
    await radio.bind(transport.bindEndpoint());
    const dish = new Dish();
    dish.connect(transport.connectEndpoint(radio.lastEndpoint!));
    dish.join("weather");
    try {
      await within(
        8000,
        (async () => {
          await untilJoined(radio, dish, "weather");
          await radio.send("not joined", { group: "weathe" });
          await radio.send("not joined either", { group: "weather.x" });
          await radio.send("sunny", { group: "weather" });
          const msg = await nextMessage(dish);
          assert.deepEqual(texts(msg), ["sunny"]);
          assert.equal(messageGroup(msg), "weather");
          dish.leave("weather");
          dish.join("news");
          await untilJoined(radio, dish, "news");
          await radio.send("rain", { group: "weather" });
          await radio.send("headline", { group: "news" });
          const next = await nextMessage(dish);
          assert.deepEqual(texts(next), ["headline"]);
          assert.equal(messageGroup(next), "news");
        })(),
      );
    } finally {
      dish.close();
      radio.close();
    }
  });
}

Deno.test("Radio/Dish: a dish that binds hears the radio that connects", async () => {
  const dish = new Dish();
  dish.join("g");
  await dish.bind("tcp://127.0.0.1:*");
  const radio = new Radio();
  radio.connect(dish.lastEndpoint!);
  try {
    await within(8000, untilJoined(radio, dish, "g"));
    await radio.send("one", { group: "g" });
    assert.deepEqual(texts(await nextMessage(dish)), ["one"]);
  } finally {
    radio.close();
    dish.close();
  }
});

Deno.test("Dish: joins sent before the connection are sent once connected, to every radio", async () => {
  const radios = [new Radio(), new Radio()];
  const dish = new Dish();
  dish.join("a", "b");
  for (const [i, radio] of radios.entries()) {
    await radio.bind(`inproc://rd-many-${i}`);
    dish.connect(`inproc://rd-many-${i}`);
  }
  await delay(1);
  await radios[0].send("from 0", { group: "a" });
  await radios[1].send("from 1", { group: "b" });
  const got = [texts(await dish.receive())[0], texts(await dish.receive())[0]].sort();
  assert.deepEqual(got, ["from 0", "from 1"]);
  dish.close();
  for (const radio of radios) radio.close();
});

Deno.test("Dish: joining twice, leaving a group not joined, groups over 255 bytes are EINVAL", () => {
  const dish = new Dish();
  dish.join("x");
  assert.throws(() => dish.join("x"), (err: ZmqError) => err.code === "EINVAL");
  assert.throws(() => dish.leave("y"), (err: ZmqError) => err.code === "EINVAL");
  dish.join("g".repeat(255));
  assert.throws(() => dish.join("g".repeat(256)), (err: ZmqError) => err.code === "EINVAL");
  dish.close();
});

Deno.test("Radio: group missing or over 255 bytes, or multipart, is EINVAL; Dish cannot send", async () => {
  const radio = new Radio();
  const dish = new Dish();
  await assert.rejects(
    radio.send("x", { group: "g".repeat(256) }),
    (e: ZmqError) => e.code === "EINVAL",
  );
  // deno-lint-ignore no-explicit-any
  await assert.rejects(radio.send("x", {} as any), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(
    radio.send(["a", "b"], { group: "g" }),
    (e: ZmqError) => e.code === "EINVAL",
  );
  await radio.send("x", { group: "g".repeat(255) });
  await assert.rejects(dish.send("x"), (e: ZmqError) => e.code === "ENOTSUP");
  await assert.rejects(radio.receive(), (e: ZmqError) => e.code === "ENOTSUP");
  radio.close();
  dish.close();
});

Deno.test("Radio: a dish at its high-water mark misses messages instead of blocking the radio", async () => {
  const radio = new Radio({ sendHighWaterMark: 2 });
  await radio.bind("inproc://rd-hwm");
  const dish = new Dish({ receiveHighWaterMark: 2 });
  dish.join("g");
  dish.connect("inproc://rd-hwm");
  for (let i = 0; i < 10; i++) await radio.send(String(i), { group: "g" });
  assert.ok(radio.droppedMessages > 0);
  dish.close();
  radio.close();
});
