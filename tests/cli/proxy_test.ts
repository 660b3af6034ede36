import assert from "node:assert/strict";
import { Pull, Push, Request, Subscriber } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { CliProcess, runCli } from "./cli_process.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "./python.ts";

/** Starts `zmtp proxy` on free ports; resolves with each side's endpoint once ready. */
async function startProxy(
  args: string[],
): Promise<{ proxy: CliProcess; at: Record<string, string> }> {
  const at: Record<string, string> = {};
  const proxy = new CliProcess(["proxy", ...args], {}, (line) => {
    const m = line.match(/^(\w+) listening on (\S+)$/);
    if (m) at[m[1]] = m[2];
  });
  await proxy.waitForLine((line) => line.startsWith("proxy ready"), 30000, "proxy ready");
  return { proxy, at };
}

const FREE = "tcp://127.0.0.1:*";

Deno.test("proxy --mode streamer forwards PUSH → PULL, copies to --capture, stops on SIGTERM", async () => {
  const { proxy, at } = await startProxy(
    ["--mode", "streamer", "--frontend", FREE, "--backend", FREE, "--capture", FREE],
  );
  const producer = new Push({ linger: 0 });
  const consumer = new Pull();
  const capture = new Subscriber();
  try {
    capture.subscribe();
    capture.connect(at.capture);
    consumer.connect(at.backend);
    producer.connect(at.frontend);
    await producer.send(["job", "1"]);
    assert.deepEqual(texts(await within(10000, consumer.receive())), ["job", "1"]);
    // The capture PUB drops until its subscriber's subscription arrived: send until one is seen.
    let captured: string[] | null = null;
    capture.receive().then((msg) => captured = texts(msg), () => {});
    await within(
      10000,
      (async () => {
        while (captured === null) {
          await producer.send(["job", "again"]);
          await consumer.receive();
        }
      })(),
      "a captured copy",
    );
    assert.equal(captured![0], "job");
  } finally {
    producer.close();
    consumer.close();
    capture.close();
  }
  const { code, stdout, stderr } = await proxy.stop("SIGTERM");
  assert.equal(code, 0, stderr);
  assert.match(stdout, /proxy stopped: \d+ messages frontend → backend, 0 backend → frontend\n$/);
});

Deno.test({
  name: withPyzmq(
    "proxy --mode queue: our REQ reaches a pyzmq REP worker; --control answers STATISTICS and TERMINATE",
  ),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const { proxy, at } = await startProxy(
      ["--mode", "queue", "--frontend", FREE, "--backend", FREE, "--control", FREE],
    );
    const worker = new PythonPeer(`
import zmq
ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
rep.setsockopt(zmq.RCVTIMEO, 10000)
rep.connect(${JSON.stringify(at.backend)})
request = rep.recv_multipart()
rep.send_multipart([b"done:"] + request)
`);
    const client = new Request({ linger: 0 });
    const control = new Request({ linger: 0 });
    try {
      client.connect(at.frontend);
      await client.send("resize");
      assert.deepEqual(texts(await within(10000, client.receive())), ["done:", "resize"]);
      assert.equal((await worker.finished()).code, 0);

      control.connect(at.control);
      await control.send("STATISTICS");
      const counters = (await within(10000, control.receive())).map((frame) =>
        Number(new DataView(frame.buffer, frame.byteOffset, 8).getBigUint64(0, true))
      );
      assert.equal(counters.length, 8);
      const [frontIn, , frontOut, , backIn, , backOut] = counters;
      // Frames, as libzmq counts them: [routing id, "", "resize"] one way,
      // [routing id, "", "done:", "resize"] back.
      assert.deepEqual([frontIn, backOut, backIn, frontOut], [3, 3, 4, 4]);
      await control.send("TERMINATE");
      await within(10000, control.receive());
    } finally {
      worker.stop();
      client.close();
      control.close();
    }
    const { code, stdout, stderr } = await proxy.finished();
    assert.equal(code, 0, stderr);
    assert.match(stdout, /proxy stopped: 1 messages frontend → backend, 1 backend → frontend\n$/);
  },
});

Deno.test("proxy refuses a missing or unknown --mode and a missing side, exit status 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--frontend", FREE, "--backend", FREE], /--mode is required/],
    [["--mode", "broker", "--frontend", FREE, "--backend", FREE], /--mode takes .*"broker"/],
    [["--mode", "queue", "--frontend", FREE], /--backend is required/],
    [["--mode", "queue", "--frontend", "udp://x", "--backend", FREE], /^zmtp proxy: frontend udp/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(["proxy", ...args])));
  for (const [i, [, expected]] of cases.entries()) {
    const { code, stderr } = results[i];
    assert.equal(code, 2, stderr);
    assert.match(stderr, expected);
  }
});
