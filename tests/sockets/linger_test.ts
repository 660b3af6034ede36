// linger: what was queued before close() is still delivered for up to
// linger ms, and close() never keeps the process alive past that. Deno's
// op and resource sanitizers (on for every test) check that no timer or
// connection outlives a test. (Delivery to a peer that binds after close()
// and linger 0 are in push_pull_test.ts.)
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { texts, within } from "../helpers.ts";

function freeEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

Deno.test("close() with linger delivers a large backlog to a connected peer before the connection closes", async () => {
  const pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ linger: 5000, sendHighWaterMark: 0 });
  push.connect(pull.lastEndpoint!);
  const body = new Uint8Array(64 * 1024);
  const count = 500; // 32 MiB: more than the kernel buffers hold
  for (let i = 0; i < count; i++) await push.send([String(i), body]);
  push.close();
  for (let i = 0; i < count; i++) {
    assert.equal(texts(await within(5000, pull.receive()))[0], String(i));
  }
  pull.close();
});

Deno.test("a bound socket lingers on its accepted connections too", async () => {
  const push = new Push({ linger: 3000 });
  await push.bind("tcp://127.0.0.1:*");
  const pull = new Pull();
  pull.connect(push.lastEndpoint!);
  await push.send("first");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["first"]);
  const body = new Uint8Array(64 * 1024);
  for (let i = 0; i < 200; i++) await push.send([String(i), body]);
  push.close();
  for (let i = 0; i < 200; i++) {
    assert.equal(texts(await within(5000, pull.receive()))[0], String(i));
  }
  pull.close();
});

/**
 * Runs a program that connects a PUSH to nowhere, queues a message and
 * closes with `linger`; returns the ms from close() to the end of the
 * process's event loop.
 */
async function lingerOfProcess(linger: number): Promise<number> {
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const program = `
    import { Push } from "${mod}";
    const push = new Push({ linger: ${linger}, reconnectInterval: 20 });
    push.connect("${freeEndpoint()}");
    await push.send("never delivered");
    const closedAt = performance.now();
    globalThis.addEventListener("unload", () => {
      console.log(JSON.stringify(performance.now() - closedAt));
    });
    push.close();
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", program],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test("close() keeps the process alive for linger ms at most, then lets it exit", async () => {
  const lingered = await within(20000, lingerOfProcess(500));
  assert.ok(lingered >= 450, `exited ${lingered} ms after close, before linger ran out`);
  assert.ok(lingered < 3000, `exited ${lingered} ms after close`);
  const dropped = await within(20000, lingerOfProcess(0));
  assert.ok(dropped < 300, `linger 0 kept the process ${dropped} ms`);
});
