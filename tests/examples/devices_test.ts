import assert from "node:assert/strict";
import { Publisher, Pull, Push, Reply, Request, type SocketBase, Subscriber } from "../../mod.ts";
import { delay, texts, within } from "../helpers.ts";

const here = new URL("../../examples/devices/", import.meta.url);

/** A device example in its own process, bound to free ports. */
async function startDevice(script: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      new URL(script, here).pathname,
      "tcp://127.0.0.1:*",
      "tcp://127.0.0.1:*",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await within(30000, lines.read(), `${script} start`);
    if (done) break;
    text += value;
  }
  const m = text.match(/frontend (tcp:\/\/\S+), backend (tcp:\/\/\S+)/);
  assert.ok(m, `${script} names its endpoints: ${text}`);
  /** Stops it with SIGTERM; returns its last line. */
  const stop = async (): Promise<string> => {
    child.kill("SIGTERM");
    const [status, stderr] = await within(
      10000,
      Promise.all([child.status, new Response(child.stderr).text()]),
      `${script} exit`,
    );
    for (;;) {
      const { value, done } = await lines.read();
      if (done) break;
      text += value;
    }
    assert.equal(status.code, 0, stderr);
    return text.trim().split("\n").at(-1)!;
  };
  return { frontend: m[1], backend: m[2], stop };
}

function closeAll(...sockets: SocketBase[]): void {
  for (const socket of sockets) socket.close();
}

Deno.test("example queue device: REQ clients reach REP workers through ROUTER/DEALER", async () => {
  const device = await startDevice("queue.ts");
  const workers = [new Reply(), new Reply()];
  const client = new Request();
  try {
    workers.forEach((w, i) => {
      w.connect(device.backend);
      (async () => {
        for await (const [request] of w) await w.send([`worker ${i}`, request]);
      })();
    });
    client.connect(device.frontend);
    const servedBy = new Set<string>();
    for (let i = 0; i < 10; i++) {
      await client.send(`job ${i}`);
      const [worker, job] = texts(await within(10000, client.receive()));
      assert.equal(job, `job ${i}`);
      servedBy.add(worker);
    }
    assert.ok(servedBy.size >= 1);
  } finally {
    closeAll(client, ...workers);
  }
  assert.equal(
    await device.stop(),
    "queue stopped: 10 messages frontend → backend, 10 backend → frontend",
  );
});

Deno.test("example forwarder device: subscriptions go up, matching messages come down", async () => {
  const device = await startDevice("forwarder.ts");
  const pub = new Publisher({ linger: 0 });
  const sub = new Subscriber();
  try {
    pub.connect(device.frontend);
    sub.subscribe("up");
    sub.connect(device.backend);
    // Until the subscription has crossed the forwarder, nothing is wanted upstream.
    const first = sub.receive();
    let received: string[] | null = null;
    first.then((msg) => received = texts(msg), () => {});
    await within(
      10000,
      (async () => {
        while (received === null) {
          await pub.send(["down", "not wanted"]);
          await pub.send(["up", "wanted"]);
          await delay(20);
        }
      })(),
      "a message through the forwarder",
    );
    assert.deepEqual(received, ["up", "wanted"]);
  } finally {
    closeAll(pub, sub);
  }
  assert.match(
    await device.stop(),
    /^forwarder stopped: \d+ messages frontend → backend, \d+ backend → frontend$/,
  );
});

Deno.test("example streamer device: every task pushed in is pulled out once", async () => {
  const device = await startDevice("streamer.ts");
  const producer = new Push({ linger: 1000 });
  const consumers = [new Pull(), new Pull()];
  try {
    producer.connect(device.frontend);
    consumers.forEach((c) => c.connect(device.backend));
    for (let i = 0; i < 100; i++) await producer.send(`task ${i}`);
    const seen = new Set<string>();
    const collecting = consumers.map(async (c) => {
      while (seen.size < 100) {
        const [task] = texts(await c.receive());
        assert.ok(!seen.has(task), `${task} twice`);
        seen.add(task);
      }
    });
    // The first consumer to see the hundredth task ends the wait; the other is closed below.
    collecting.forEach((c) => c.catch(() => {}));
    await within(10000, Promise.race(collecting), "100 tasks");
    assert.equal(seen.size, 100);
  } finally {
    closeAll(producer, ...consumers);
  }
  assert.equal(
    await device.stop(),
    "streamer stopped: 100 messages frontend → backend, 0 backend → frontend",
  );
});
