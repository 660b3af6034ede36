import assert from "node:assert/strict";
import { delay, within } from "../helpers.ts";
import { CLI_SCRIPT, CliProcess, runCli } from "./cli_process.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "./python.ts";

/** A tcp port that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

const THR_SUMMARY = /^thr: (\d+) messages of (\d+) B in [\d.]+ s: \d+ msg\/s, [\d.]+ MB\/s$/;
const LAT_SUMMARY =
  /^lat: (\d+) round trips of (\d+) B: p50 [\d.]+ µs, p99 [\d.]+ µs, mean [\d.]+ µs$/;

Deno.test("perf thr: local and remote halves measure 20000 messages; no progress line in a pipe", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const local = new CliProcess(["perf", "thr", "local", endpoint, "--count", "20000"]);
  const remote = await runCli(["perf", "thr", "remote", endpoint, "--count", "20000"]);
  assert.equal(remote.code, 0, remote.stderr);
  const { code, stdout, stderr } = await local.finished();
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assert.deepEqual(lines.slice(0, 2), ["message size: 64 [B]", "message count: 20000"]);
  assert.match(lines[2], /^mean throughput: \d+ \[msg\/s\]$/);
  assert.match(lines[3], /^mean throughput: [\d.]+ \[Mb\/s\]$/);
  assert.match(lines[4], THR_SUMMARY);
  assert.equal(lines.length, 5, "nothing else: no progress line when stdout is not a terminal");
  const output = stdout + remote.stdout;
  assert.ok(!output.includes("\r") && !output.includes("\x1b"), "no carriage return, no escape");
});

Deno.test("perf lat: 300 round trips of 1 KiB give p50/p99 and libzmq's average latency", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const local = new CliProcess([
    "perf",
    "lat",
    "local",
    endpoint,
    "--count",
    "300",
    "--size",
    "1024",
  ]);
  const remote = await runCli(
    ["perf", "lat", "remote", endpoint, "--count", "300", "--size", "1024"],
  );
  assert.equal(remote.code, 0, remote.stderr);
  const lines = remote.stdout.trim().split("\n");
  assert.deepEqual(lines.slice(0, 2), ["message size: 1024 [B]", "roundtrip count: 300"]);
  assert.match(lines[2], /^average latency: [\d.]+ \[us\]$/);
  assert.match(lines[3], LAT_SUMMARY);
  assert.equal((await local.finished()).code, 0);
});

Deno.test({
  name: withPyzmq(
    "perf thr local measures a pyzmq PUSH (remote_thr's part), perf lat remote a pyzmq REP",
  ),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const port = freePort();
    const local = new CliProcess([
      "perf",
      "thr",
      "local",
      `tcp://127.0.0.1:${port}`,
      "--count",
      "5000",
    ]);
    await delay(300); // libzmq's PUSH reconnects anyway; this only saves a retry
    const push = new PythonPeer(`
import zmq
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.connect("tcp://127.0.0.1:${port}")
for _ in range(5000):
    push.send(b"x" * 64)
push.close(linger=10000)
ctx.term()
`);
    assert.equal((await push.finished(20000)).code, 0);
    const thr = await local.finished();
    assert.equal(thr.code, 0, thr.stderr);
    assert.match(thr.stdout.trim().split("\n").at(-1)!, THR_SUMMARY);

    const rep = new PythonPeer(`
import zmq
ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
print(rep.bind_to_random_port("tcp://127.0.0.1"), flush=True)
for _ in range(200):
    rep.send(rep.recv())
`);
    try {
      const lat = await runCli(
        ["perf", "lat", "remote", `tcp://127.0.0.1:${await rep.line()}`, "--count", "200"],
      );
      assert.equal(lat.code, 0, lat.stderr);
      assert.match(lat.stdout.trim().split("\n").at(-1)!, LAT_SUMMARY);
      assert.equal((await rep.finished()).code, 0);
    } finally {
      rep.stop();
    }
  },
});

Deno.test("perf thr local fails with one line when the messages are not --size bytes", async () => {
  const endpoint = `tcp://127.0.0.1:${freePort()}`;
  const local = new CliProcess([
    "perf",
    "thr",
    "local",
    endpoint,
    "--count",
    "10",
    "--size",
    "100",
  ]);
  const remote = new CliProcess(["perf", "thr", "remote", endpoint, "--count", "10"]);
  const { code, stderr } = await local.finished();
  assert.equal(code, 1);
  assert.equal(
    stderr,
    "zmtp perf: message of incorrect size received: 64 B in 1 frame(s), expected 100 B",
  );
  await remote.stop();
});

Deno.test("perf refuses a missing test, role or endpoint and a bad --size, exit status 2", async () => {
  const cases: [string[], RegExp][] = [
    [[], /thr or lat, got nothing/],
    [["thr"], /local or remote, got nothing/],
    [["lat", "middle", "tcp://127.0.0.1:1"], /local or remote, got "middle"/],
    [["thr", "local"], /no endpoint/],
    [["thr", "local", "tcp://127.0.0.1:1", "--size=-1"], /--size takes an integer ≥ 0/],
    [
      ["thr", "local", "tcp://127.0.0.1:1", "--size", "-1"],
      /--size takes an integer ≥ 0, got "-1"/,
    ],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(["perf", ...args])));
  for (const [i, [, expected]] of cases.entries()) {
    const { code, stderr } = results[i];
    assert.equal(code, 2, stderr);
    assert.match(stderr, expected);
    assert.doesNotMatch(stderr, /\n/, "one line");
  }
});

const tmuxMissing = (() => {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
        .success
      ? null
      : "tmux does not run";
  } catch {
    return "tmux is not installed";
  }
})();

Deno.test({
  name: `perf on a terminal (tmux) shows its progress line${
    tmuxMissing ? ` (skipped: ${tmuxMissing})` : ""
  }`,
  ignore: tmuxMissing !== null,
  fn: async () => {
    const server = `zmtp-perf-test-${crypto.randomUUID()}`;
    const tmux = (...args: string[]) =>
      new Deno.Command("tmux", { args: ["-L", server, ...args], stdin: "null", stdout: "piped" })
        .output();
    const endpoint = `tcp://127.0.0.1:${freePort()}`;
    const local = [
      Deno.execPath(),
      "run",
      "--quiet",
      "--allow-net=127.0.0.1",
      CLI_SCRIPT,
      "perf",
      "thr",
      "local",
      endpoint,
      "--count",
      "50000",
    ].join(" ");
    try {
      const started = await tmux(
        "new-session",
        "-d",
        "-x",
        "200",
        "-y",
        "20",
        `${local}; echo exit=$?; sleep 60`,
      );
      assert.ok(started.success, "tmux started");
      await delay(300);
      const remote = await runCli(["perf", "thr", "remote", endpoint, "--count", "50000"]);
      assert.equal(remote.code, 0, remote.stderr);
      let screen = "";
      await within(
        20000,
        (async () => {
          while (!screen.includes("exit=")) {
            await delay(100);
            screen = new TextDecoder().decode((await tmux("capture-pane", "-p")).stdout);
          }
        })(),
        "perf's summary on the tmux screen",
      );
      const lines = screen.split("\n");
      assert.ok(lines.includes("exit=0"), screen);
      // The progress line stays on screen at its final count, above the summary.
      const progress = lines.findIndex((line) =>
        /^thr: 50000\/50000 messages, \d+ msg\/s$/.test(line)
      );
      assert.ok(progress >= 0, `a progress line on the terminal:\n${screen}`);
      assert.equal(lines[progress + 1], "message size: 64 [B]");
      assert.ok(lines.some((line) => THR_SUMMARY.test(line)), screen);
    } finally {
      await tmux("kill-server");
    }
  },
});
