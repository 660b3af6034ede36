import assert from "node:assert/strict";
import { Push } from "../../mod.ts";
import { CliProcess, runCli } from "./cli_process.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "./python.ts";

const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

Deno.test({
  name: withPyzmq("monitor --connect to a pyzmq PUB prints connect, then handshake"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const pub = new PythonPeer(`
import zmq, time
ctx = zmq.Context()
pub = ctx.socket(zmq.PUB)
print(pub.bind_to_random_port("tcp://127.0.0.1"), flush=True)
time.sleep(20)
`);
    try {
      const endpoint = `tcp://127.0.0.1:${await pub.line()}`;
      const { code, stdout, stderr } = await runCli(
        ["monitor", "--type", "sub", "--connect", endpoint, "--count", "2"],
      );
      assert.equal(code, 0, stderr);
      const lines = stdout.trim().split("\n");
      assert.match(lines[0], new RegExp(`^${TIME} connect ${endpoint}`));
      assert.match(lines[1], new RegExp(`^${TIME} handshake ${endpoint}`));
    } finally {
      pub.stop();
      await pub.finished().catch(() => {});
    }
  },
});

Deno.test("monitor --json --bind prints bind, accept and handshake as a peer arrives; SIGTERM ends it", async () => {
  const events: Record<string, string>[] = [];
  const monitor = new CliProcess(
    ["monitor", "--type", "pull", "--bind", "tcp://127.0.0.1:*", "--json"],
    {},
    (line) => events.push(JSON.parse(line)),
  );
  await monitor.waitForLine((line) => line.includes('"bind"'));
  const push = new Push({ linger: 0 });
  try {
    push.connect(events[0].address);
    await monitor.waitForLine((line) => line.includes('"handshake"'), 10000, "handshake");
  } finally {
    push.close();
  }
  const { code, stderr } = await monitor.stop("SIGTERM");
  assert.equal(code, 0, stderr);
  assert.deepEqual(events.slice(0, 3).map((e) => e.type), ["bind", "accept", "handshake"]);
  assert.match(events[0].address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  assert.match(events[1].time, new RegExp(`^${TIME}$`));
});

Deno.test("monitor reports a refused connection with its error and the retry interval", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const { code, stdout } = await runCli(
    ["monitor", "-t", "dealer", "-c", `tcp://127.0.0.1:${port}`, "-n", "3"],
  );
  assert.equal(code, 0);
  assert.match(stdout, new RegExp(`${TIME} connect:delay tcp://127.0.0.1:${port} error=".+"`));
  assert.match(stdout, new RegExp(`${TIME} connect:retry tcp://127.0.0.1:${port} interval=100`));
});

Deno.test("monitor needs --type and an endpoint, exit status 2", async () => {
  const noType = await runCli(["monitor", "--connect", "tcp://127.0.0.1:1"]);
  assert.equal(noType.code, 2);
  assert.match(noType.stderr, /--type is required/);
  const noEndpoint = await runCli(["monitor", "--type", "sub"]);
  assert.equal(noEndpoint.code, 2);
  assert.match(noEndpoint.stderr, /no endpoint/);
});
