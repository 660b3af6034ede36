/**
 * udp:// for Radio and Dish (unicast on 127.0.0.1; multicast runs in
 * udp_multicast_test.ts inside a private network namespace).
 */

import assert from "node:assert/strict";
import { Dish, messageGroup, Pull, Radio, type ZmqError } from "../../mod.ts";
import { texts, within } from "../helpers.ts";

const unstableNet = typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";
const ignore = !unstableNet;
if (ignore) console.log("NOTE: udp tests skipped: Deno's UDP API needs --unstable-net");

/** Sends until the dish has one (udp is lossy and the first datagrams may race the bind). */
async function firstOf(radio: Radio, dish: Dish, group: string): Promise<Uint8Array[]> {
  for (let i = 0; i < 250; i++) {
    await radio.send(`probe`, { group });
    try {
      return await dish.receive({ signal: AbortSignal.timeout(20) });
    } catch { /* again */ }
  }
  throw new Error("nothing arrived over udp");
}

Deno.test({
  name: "udp: a Radio that connects reaches a Dish that binds; the Dish filters groups",
  ignore,
  async fn() {
    const dish = new Dish();
    await dish.bind("udp://127.0.0.1:*");
    dish.join("weather");
    const radio = new Radio();
    radio.connect(dish.lastEndpoint!);
    try {
      await within(
        5000,
        (async () => {
          const probe = await firstOf(radio, dish, "weather");
          assert.equal(messageGroup(probe), "weather");
          await radio.send("not joined", { group: "news" });
          await radio.send("sunny", { group: "weather" });
          for (;;) {
            const msg = await dish.receive();
            if (texts(msg)[0] === "probe") continue;
            assert.deepEqual(texts(msg), ["sunny"]);
            assert.equal(messageGroup(msg), "weather");
            break;
          }
        })(),
      );
    } finally {
      radio.close();
      dish.close();
    }
  },
});

Deno.test({
  name:
    "udp: groups over 127 bytes or datagrams over 8192 bytes are refused (EINVAL), as libzmq cannot read them",
  ignore,
  async fn() {
    const radio = new Radio();
    radio.connect("udp://127.0.0.1:9");
    await assert.rejects(
      radio.send("x", { group: "g".repeat(128) }),
      (err: ZmqError) => err.code === "EINVAL" && /signed/.test(err.message),
    );
    await assert.rejects(
      radio.send(new Uint8Array(8192), { group: "g" }),
      (err: ZmqError) => err.code === "EINVAL" && /8192/.test(err.message),
    );
    await radio.send("fits", { group: "g".repeat(127) });
    radio.close();
  },
});

Deno.test({
  name: "udp: only Radio connects and only Dish binds (ENOCOMPATPROTO)",
  ignore,
  async fn() {
    const radio = new Radio();
    const dish = new Dish();
    const pull = new Pull();
    await assert.rejects(
      radio.bind("udp://127.0.0.1:*"),
      (e: ZmqError) => e.code === "ENOCOMPATPROTO",
    );
    assert.throws(
      () => dish.connect("udp://127.0.0.1:5555"),
      (e: ZmqError) => e.code === "ENOCOMPATPROTO",
    );
    await assert.rejects(
      pull.bind("udp://127.0.0.1:*"),
      (e: ZmqError) => e.code === "ENOCOMPATPROTO",
    );
    radio.close();
    dish.close();
    pull.close();
  },
});

Deno.test("udp: malformed endpoints are EINVAL", () => {
  const radio = new Radio();
  for (
    const bad of [
      "udp://127.0.0.1",
      "udp://[::1]:5555",
      "udp://127.0.0.1;127.0.0.2:5555",
      "udp://lo;10.0.0.1:5",
    ]
  ) {
    assert.throws(() => radio.connect(bad), (e: ZmqError) => e.code === "EINVAL", bad);
  }
  radio.close();
});

Deno.test("udp: without --unstable-net the error names the flag", async () => {
  const code = `
    import { Dish } from "${new URL("../../mod.ts", import.meta.url).href}";
    const dish = new Dish();
    try { await dish.bind("udp://127.0.0.1:*"); } catch (e) { console.log(e.code + " " + e.message); }
    dish.close();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.match(text, /^ENOTSUP .*--unstable-net/);
});

Deno.test("udp: without the network permission the error names --allow-net", async () => {
  const code = `
    import { Dish, Radio } from "${new URL("../../mod.ts", import.meta.url).href}";
    const dish = new Dish();
    try { await dish.bind("udp://127.0.0.1:5999"); } catch (e) { console.log(e.code + " " + e.message); }
    const radio = new Radio();
    try { radio.connect("udp://127.0.0.1:5999"); } catch (e) { console.log(e.code + " " + e.message); }
    dish.close();
    radio.close();
  `;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, code);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--unstable-net", "--allow-read", file],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assert.equal(lines.length, 2, lines.join("\n"));
    for (const line of lines) assert.match(line, /^EACCES .*--allow-net=127\.0\.0\.1/);
  } finally {
    await Deno.remove(file);
  }
});
