import assert from "node:assert/strict";
import { curveKeyPair } from "../../mod.ts";
import { CliProcess, runCli } from "./cli_process.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "./python.ts";

/** Starts `zmtp recv` bound to a free port; resolves with the process and its endpoint. */
async function boundRecv(args: string[]): Promise<{ recv: CliProcess; endpoint: string }> {
  const recv = new CliProcess(["recv", "--bind", "tcp://127.0.0.1:*", ...args]);
  let endpoint = "";
  await recv.waitForErrorLine((line) => {
    const m = line.match(/^zmtp recv: listening on (\S+)$/);
    if (m) endpoint = m[1];
    return m !== null;
  });
  return { recv, endpoint };
}

Deno.test("send → recv: each argument is a message, the separator splits frames, --count ends recv", async () => {
  const { recv, endpoint } = await boundRecv(["--count", "3", "--format", "json"]);
  const sent = await runCli(["send", "--connect", endpoint, "one", "topic\tbody", "a|b|c"]);
  assert.equal(sent.code, 0, sent.stderr);
  const { code, stdout, stderr } = await recv.finished();
  assert.equal(code, 0, stderr);
  assert.equal(stdout, '["one"]\n["topic","body"]\n["a|b|c"]\n');
});

Deno.test("send reads stdin lines; hex frames with a chosen separator arrive as bytes", async () => {
  const { recv, endpoint } = await boundRecv(["-n", "2", "--format", "hex", "--separator", " "]);
  const sent = await runCli(
    ["send", "-c", endpoint, "--format", "hex", "--separator", " "],
    { stdin: "00ff 0102\n\n" },
  );
  assert.equal(sent.code, 0, sent.stderr);
  const { code, stdout } = await recv.finished();
  assert.equal(code, 0);
  assert.equal(stdout, "00ff 0102\n\n", "the empty line is an empty one-frame message");
});

Deno.test("send repeats its arguments up to --count", async () => {
  const { recv, endpoint } = await boundRecv(["-n", "5"]);
  const sent = await runCli(["send", "-c", endpoint, "--count", "5", "a", "b"]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal((await recv.finished()).stdout, "a\nb\na\nb\na\n");
});

Deno.test("send --type req prints the replies of recv --type rep (an echo server)", async () => {
  const { recv, endpoint } = await boundRecv(["--type", "rep", "-n", "2", "-f", "base64"]);
  const sent = await runCli(["send", "-t", "req", "-c", endpoint, "-f", "base64", "aGk=", "AAE="]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(sent.stdout, "aGk=\nAAE=\n");
  assert.equal((await recv.finished()).stdout, "aGk=\nAAE=\n");
});

Deno.test("send and recv over CURVE; a client the server does not --curve-allow is refused", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  const { recv, endpoint } = await boundRecv([
    "-n",
    "1",
    "--curve-secret-key",
    server.secretKey,
    "--curve-allow",
    client.publicKey,
  ]);
  assert.ok(recv.errorLines.includes(`zmtp recv: CURVE server key ${server.publicKey}`));
  const stranger = await runCli(
    ["send", "-c", endpoint, "--curve-server-key", server.publicKey, "--timeout", "300", "no"],
  );
  assert.equal(stranger.code, 0, "a send only queues; the refused message is never delivered");
  const sent = await runCli([
    "send",
    "-c",
    endpoint,
    "--curve-server-key",
    server.publicKey,
    "--curve-secret-key",
    client.secretKey,
    "sealed",
  ]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal((await recv.finished()).stdout, "sealed\n");
});

Deno.test("recv --timeout fails with exit status 1 and one line", async () => {
  const { code, stderr } = await runCli(
    ["recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "100", "--quiet"],
  );
  assert.equal(code, 1);
  assert.equal(stderr, "zmtp recv: no message (0 received) within 100 ms");
});

Deno.test("send and recv refuse a type that cannot go their way, a bad --format and a missing endpoint", async () => {
  const cases: [string[], RegExp][] = [
    [["send", "-t", "pull", "-c", "tcp://127.0.0.1:1", "x"], /a pull socket cannot send/],
    [["recv", "-t", "pub", "-c", "tcp://127.0.0.1:1"], /a pub socket cannot receive/],
    [["recv", "-t", "cat", "-c", "tcp://127.0.0.1:1"], /unknown socket type "cat"/],
    [["recv", "-c", "tcp://127.0.0.1:1", "-f", "xml"], /--format takes one of/],
    [["send", "x"], /no endpoint/],
    [["send", "-c", "tcp://127.0.0.1:1", "-f", "json", "{"], /argument 1: not JSON/],
    [["recv", "-t", "pull", "--subscribe", "a", "-c", "tcp://127.0.0.1:1"], /needs a sub/],
    [["send", "-c", "tcp://127.0.0.1:1", "--curve-server-key", "short", "x"], /40 Z85/],
    [["send", "-c", "tcp:/127.0.0.1:1", "x"], /^zmtp send: connect tcp:\/127\.0\.0\.1:1: /],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  for (const [i, [args, expected]] of cases.entries()) {
    const { code, stderr } = results[i];
    assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
    assert.match(stderr, expected);
    assert.doesNotMatch(stderr, /\n/, "one line");
  }
});

Deno.test("recv stops cleanly on SIGTERM and SIGINT with exit status 0", async () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const { recv } = await boundRecv([]);
    const { code, stderr } = await recv.stop(signal);
    assert.equal(code, 0, stderr);
  }
});

Deno.test("send stopped by SIGTERM still delivers what it queued (linger)", async () => {
  // The receiver is not there yet: the message waits in the sender's queue.
  const port = (() => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close();
    return port;
  })();
  const send = new CliProcess(["send", "-c", `tcp://127.0.0.1:${port}`], {
    stdin: "queued\n",
    keepStdinOpen: true,
  });
  await send.waitForErrorLine((line) => line.includes("connecting to"));
  await new Promise((resolve) => setTimeout(resolve, 300)); // the line is read and queued
  send.kill("SIGTERM");
  const recv = new CliProcess(["recv", "-b", `tcp://127.0.0.1:${port}`, "-n", "1"]);
  const received = await recv.finished();
  assert.equal(received.stdout, "queued\n");
  const { code, stderr } = await send.finished();
  assert.equal(code, 0, stderr);
});

Deno.test({
  name: withPyzmq("recv --subscribe receives from a pyzmq PUB: only the prefix, multipart intact"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const pub = new PythonPeer(`
import zmq, time
ctx = zmq.Context()
pub = ctx.socket(zmq.PUB)
port = pub.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
deadline = time.time() + 20
n = 0
while time.time() < deadline:
    pub.send_multipart([b"weather.10001", b"%d" % n])
    pub.send_multipart([b"sports", b"%d" % n])
    n += 1
    time.sleep(0.01)
`);
    try {
      const port = await pub.line();
      const { code, stdout, stderr } = await runCli([
        "recv",
        "--connect",
        `tcp://127.0.0.1:${port}`,
        "--subscribe",
        "weather.",
        "--count",
        "3",
        "--format",
        "json",
      ]);
      assert.equal(code, 0, stderr);
      const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
      assert.equal(lines.length, 3);
      for (const [topic, n] of lines) {
        assert.equal(topic, "weather.10001");
        assert.match(n, /^\d+$/);
      }
    } finally {
      pub.stop();
      await pub.finished().catch(() => {});
    }
  },
});

Deno.test({
  name: withPyzmq("send delivers stdin lines to a pyzmq PULL, multipart and in order"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const pull = new PythonPeer(`
import zmq, json
ctx = zmq.Context()
pull = ctx.socket(zmq.PULL)
pull.setsockopt(zmq.RCVTIMEO, 10000)
port = pull.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
for _ in range(3):
    print(json.dumps([f.decode() for f in pull.recv_multipart()]), flush=True)
`);
    try {
      const port = await pull.line();
      const sent = await runCli(
        ["send", "--connect", `tcp://127.0.0.1:${port}`],
        { stdin: "first\ntask\t7\nlast\n" },
      );
      assert.equal(sent.code, 0, sent.stderr);
      assert.deepEqual(
        [await pull.line(), await pull.line(), await pull.line()].map((l) => JSON.parse(l)),
        [["first"], ["task", "7"], ["last"]],
      );
      assert.equal((await pull.finished()).code, 0);
    } finally {
      pull.stop();
    }
  },
});

Deno.test("send --type radio reaches recv --type dish --join: only the joined group, printed first", async () => {
  const { recv, endpoint } = await boundRecv([
    "-t",
    "dish",
    "--join",
    "news",
    "-n",
    "1",
    "-f",
    "json",
  ]);
  // A RADIO drops what it sends before the DISH's join arrives: send again until received.
  for (let attempt = 0; attempt < 10 && recv.lines.length === 0; attempt++) {
    const sent = await runCli([
      "send",
      "-q",
      "-t",
      "radio",
      "-c",
      endpoint,
      "--delay",
      "200",
      "sports\t0-0",
      "news\thi",
    ]);
    assert.equal(sent.code, 0, sent.stderr);
  }
  const { code, stdout } = await recv.finished();
  assert.equal(code, 0);
  assert.equal(stdout, '["news","hi"]\n');
});

Deno.test("a dish needs --join, and --group is only for a radio", async () => {
  const dish = await runCli(["recv", "-t", "dish", "-c", "tcp://127.0.0.1:1"]);
  assert.equal(dish.code, 2);
  assert.match(dish.stderr, /a dish needs --join GROUP/);
  const group = await runCli(["send", "--group", "g", "-c", "tcp://127.0.0.1:1", "x"]);
  assert.equal(group.code, 2);
  assert.match(group.stderr, /--group is for a radio socket, not push/);
});

Deno.test("send without the permissions an ipc endpoint needs names the flags, exit status 1", async () => {
  const path = `/tmp/zmtp-cli-test-${crypto.randomUUID()}.sock`;
  const { code, stderr } = await runCli(["send", "-c", `ipc://${path}`, "x"], { permissions: [] });
  assert.equal(code, 1);
  assert.match(stderr, new RegExp(`^zmtp send: .*--allow-read=${path}`));
  assert.doesNotMatch(stderr, /\n/);
});

Deno.test({
  name: withPyzmq("recv as a CURVE server and as a PLAIN server takes messages from pyzmq clients"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const server = curveKeyPair();
    const clients = [
      {
        flags: ["--curve-secret-key", server.secretKey],
        setup: `
pub, sec = zmq.curve_keypair()
push.curve_serverkey = ${JSON.stringify(server.publicKey)}.encode()
push.curve_publickey = pub
push.curve_secretkey = sec`,
      },
      {
        flags: ["--plain-server", "--plain-user", "admin", "--plain-password", "secret"],
        setup: `
push.plain_username = b"admin"
push.plain_password = b"secret"`,
      },
    ];
    for (const { flags, setup } of clients) {
      const { recv, endpoint } = await boundRecv(["-n", "1", ...flags]);
      const push = new PythonPeer(`
import zmq
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
${setup.trim()}
push.connect(${JSON.stringify(endpoint)})
push.send_multipart([b"from", b"libzmq"])
push.close(linger=10000)
ctx.term()
`);
      assert.equal((await push.finished()).code, 0);
      const { code, stdout, stderr } = await recv.finished();
      assert.equal(code, 0, stderr);
      assert.equal(stdout, "from\tlibzmq\n", flags[0]);
    }
  },
});

Deno.test("recv --plain-server refuses a client with the wrong password", async () => {
  const credentials = ["--plain-user", "admin", "--plain-password"];
  const { recv, endpoint } = await boundRecv([
    "--plain-server",
    ...credentials,
    "secret",
    "--timeout",
    "1000",
  ]);
  const sent = await runCli([
    "send",
    "-q",
    "-c",
    endpoint,
    ...credentials,
    "guess",
    "--timeout",
    "300",
    "x",
  ]);
  assert.equal(sent.code, 0, "queued; never delivered");
  const { code, stdout, stderr } = await recv.finished();
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, /no message \(0 received\) within 1000 ms/);
});

/** Why wss:// cannot be tested here (no openssl to make certificates), or null. */
const opensslMissing = (() => {
  try {
    new Deno.Command("openssl", { args: ["version"], stdout: "null" }).outputSync();
    return null;
  } catch {
    return "openssl is not installed";
  }
})();

/** Makes, in `dir`, a CA and a certificate it signs for localhost and 127.0.0.1 (P-256 keys). */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = async (...args: string[]) => {
    const { success, stderr } = await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(stderr)}`);
  };
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    "req",
    "-x509",
    ...key,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=zmtp test CA",
  );
  await openssl("req", ...key, "-keyout", "key.pem", "-out", "leaf.csr", "-subj", "/CN=localhost");
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "cert.pem",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
  );
}

Deno.test({
  name: `send and recv over wss:// with --wss-cert/--wss-key and --wss-trust/--wss-hostname${
    opensslMissing ? ` (skipped: ${opensslMissing})` : ""
  }`,
  ignore: opensslMissing !== null,
  fn: async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "zmtp-wss-" });
    try {
      await makeCertificates(dir);
      const permissions = ["--allow-net=127.0.0.1", `--allow-read=${dir}`];
      const recv = new CliProcess([
        "recv",
        "--bind",
        "wss://127.0.0.1:*/feed",
        "--wss-cert",
        `${dir}/cert.pem`,
        "--wss-key",
        `${dir}/key.pem`,
        "-n",
        "1",
      ], { permissions });
      let endpoint = "";
      await recv.waitForErrorLine((line) => {
        endpoint = line.match(/listening on (\S+)$/)?.[1] ?? "";
        return endpoint !== "";
      });
      const sent = await runCli([
        "send",
        "-c",
        endpoint,
        "--wss-trust",
        `${dir}/ca.pem`,
        "--wss-hostname",
        "localhost",
        "sealed\tin TLS",
      ], { permissions });
      assert.equal(sent.code, 0, sent.stderr);
      const { code, stdout, stderr } = await recv.finished();
      assert.equal(code, 0, stderr);
      assert.equal(stdout, "sealed\tin TLS\n");
      await t.step("a --wss-cert file that is not there is a usage error", async () => {
        const { code, stderr } = await runCli(
          [
            "recv",
            "-b",
            "wss://127.0.0.1:*/",
            "--wss-cert",
            `${dir}/none.pem`,
            "--wss-key",
            `${dir}/key.pem`,
          ],
          { permissions },
        );
        assert.equal(code, 2);
        assert.match(stderr, /--wss-cert: cannot read .*none\.pem/);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
