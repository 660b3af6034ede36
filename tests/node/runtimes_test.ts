/**
 * The same package on Node (the machine's, v20) and Bun (`npm:bun@1.4.4`,
 * which .ci/run installs into .tools/): tcp and ipc run on node:net there.
 * Each step runs tests/node/scenario.mjs in that runtime against the
 * package `deno task build:npm` makes (built once here, without the
 * declarations, into a temporary directory): library to library over tcp,
 * ipc, inproc, ws and wss, libzmq's error codes, and libzmq itself (pyzmq;
 * and zeromq.js inside the same Node process, over tcp and ws).
 */

import assert from "node:assert/strict";
import { bun, node, packagePath, PYTHON, pyzmq } from "./runtimes.ts";
import { noOpenssl, testCerts } from "../transports/wss_certs.ts";
import { curveKeyPair, Pull, Push } from "../../mod.ts";
import { texts, within } from "../helpers.ts";

const root = new URL("../../", import.meta.url);
const scenario = new URL("scenario.mjs", import.meta.url).pathname;
const repPeer = new URL("rep_peer.py", import.meta.url).pathname;

/** Runs one scenario in `runtime`; returns its "ok …" line. */
async function run(runtime: string, name: string, argument = ""): Promise<string> {
  const mod = `${await packagePath()}/mod.js`;
  const { code, stdout, stderr } = await new Deno.Command(runtime, {
    args: [scenario, mod, name, argument],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout).trim();
  assert.equal(
    code,
    0,
    `${runtime} ${name} ${argument}: ${out}\n${new TextDecoder().decode(stderr)}`,
  );
  assert.match(out, /^ok /);
  return out;
}

/**
 * Starts one scenario in `runtime` without waiting for it: its first line
 * (a scenario that binds says where), and its exit code and output.
 */
function spawnScenario(runtime: string, name: string, argument: string) {
  const started = packagePath().then((dir) =>
    new Deno.Command(runtime, {
      args: [scenario, `${dir}/mod.js`, name, argument],
      cwd: root.pathname,
      stdout: "piped",
      stderr: "inherit",
    }).spawn()
  );
  let out = "";
  let firstLine: (line: string) => void;
  const first = new Promise<string>((resolve) => firstLine = resolve);
  const done = started.then(async (child) => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      out += chunk;
      if (out.includes("\n")) firstLine(out.slice(0, out.indexOf("\n")));
    }
    firstLine(out);
    return { code: (await child.status).code, out };
  });
  return {
    firstLine: within(10000, first),
    done,
    kill: () => started.then((child) => child.kill()).catch(() => {}),
  };
}

/** A pyzmq Reply bound to `endpoint` for the length of `body`. */
async function withLibzmqReply(endpoint: string, body: (bound: string) => Promise<void>) {
  const child = new Deno.Command(PYTHON, {
    args: [repPeer, endpoint],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const { value } = await reader.read();
    await body(value!.trim());
  } finally {
    await reader.cancel().catch(() => {});
    try {
      child.kill();
    } catch { /* exited after "bye" */ }
    await child.status;
  }
}

for (const [runtime, path] of [["Node", node], ["Bun", bun]] as const) {
  Deno.test({
    name:
      `on ${runtime}, Push/Pull and Req/Rep work library to library over tcp, ipc, inproc and ws`,
    ignore: path === null,
    async fn(t) {
      const endpoints = [
        "tcp://127.0.0.1:*",
        "ipc://*",
        "inproc://runtime-pair",
        "ws://127.0.0.1:*/zmq",
      ];
      for (const endpoint of endpoints) {
        await t.step(endpoint, async () => {
          assert.match(await run(path!, "pair", endpoint), /1000 messages and a round trip/);
        });
      }
    },
  });

  Deno.test({
    name: `on ${runtime}, bind errors keep libzmq's codes (EADDRINUSE, ENOENT)`,
    ignore: path === null,
    async fn() {
      assert.equal(await run(path!, "errors"), "ok EADDRINUSE ENOENT");
    },
  });

  Deno.test({
    name:
      `on ${runtime}, every socket type pairing carries messages over ws (node:net, our framing)`,
    ignore: path === null,
    async fn() {
      assert.match(await run(path!, "ws-types"), /^ok 9 pairings over ws/);
    },
  });

  Deno.test({
    name: `on ${runtime}, PLAIN and CURVE work over ws, and a wrong CURVE key fails the handshake`,
    ignore: path === null,
    async fn() {
      assert.match(await run(path!, "ws-security"), /wrong CURVE key: handshake:error:protocol/);
    },
  });

  Deno.test({
    name: `on ${runtime}, ws keeps EADDRINUSE, drops a silent peer by ping heartbeats, ` +
      `closes only hostile connections, unbinds and reconnects`,
    ignore: path === null,
    async fn() {
      assert.match(await run(path!, "ws-lifecycle"), /heartbeat drop, hostile peers closed/);
    },
  });

  Deno.test({
    name: `on ${runtime}, wss: an untrusted or misnamed certificate fails each handshake, ` +
      `trusting the CA and naming the host delivers`,
    ignore: path === null || noOpenssl !== null,
    async fn() {
      const certs = await testCerts();
      const dir = await Deno.makeTempDir({ prefix: "zmq-wss-" });
      try {
        await Deno.writeTextFile(`${dir}/ca.pem`, certs.caPem);
        await Deno.writeTextFile(`${dir}/cert.pem`, certs.certPem);
        await Deno.writeTextFile(`${dir}/key.pem`, certs.keyPem);
        assert.match(await run(path!, "wss", dir), /untrusted handshake:error:protocol/);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });

  Deno.test({
    name: `on ${runtime}, wss with CURVE talks to this library on Deno, each side binding`,
    ignore: path === null || noOpenssl !== null,
    async fn() {
      const { caPem, certPem, keyPem } = await testCerts();
      const server = curveKeyPair();
      const client = curveKeyPair();
      const serverOptions = {
        wssCertPem: certPem,
        wssKeyPem: keyPem,
        curveServer: true,
        curveSecretKey: server.secretKey,
      };
      const clientOptions = {
        wssTrustPem: caPem,
        wssHostname: "localhost",
        curveServerKey: server.publicKey,
        curvePublicKey: client.publicKey,
        curveSecretKey: client.secretKey,
      };
      // Deno binds, the runtime connects.
      const pull = new Pull(serverOptions);
      await pull.bind("wss://127.0.0.1:*/zmq");
      const sending = run(
        path!,
        "send-to",
        JSON.stringify({ endpoint: pull.lastEndpoint, options: clientOptions }),
      );
      for (let i = 0; i < 3; i++) {
        assert.equal(texts(await within(10000, pull.receive()))[2], String(i));
      }
      await sending;
      pull.close();
      // The runtime binds, Deno connects.
      const child = spawnScenario(
        path!,
        "receive-at",
        JSON.stringify({ endpoint: "wss://127.0.0.1:*/zmq", options: serverOptions }),
      );
      const push = new Push(clientOptions);
      try {
        push.connect((await child.firstLine).replace(/^endpoint /, ""));
        for (let i = 0; i < 3; i++) await push.send(["from", "deno", String(i)]);
        const { code, out } = await within(10000, child.done);
        assert.equal(code, 0, out);
        assert.match(out, /^ok 3 messages at wss:/m);
      } finally {
        push.close();
        child.kill();
      }
    },
  });

  Deno.test({
    name: `on ${runtime}, acceptWebSocket is ENOTSUP, naming bind ws:// as the way`,
    ignore: path === null,
    async fn() {
      assert.equal(await run(path!, "accept-websocket"), "ok ENOTSUP");
    },
  });

  Deno.test({
    name: `on ${runtime}, Request talks to libzmq's Reply (pyzmq) over tcp and ipc`,
    ignore: path === null || !pyzmq,
    async fn(t) {
      const dir = await Deno.makeTempDir();
      try {
        for (const endpoint of ["tcp://127.0.0.1:*", `ipc://${dir}/rep.sock`]) {
          await t.step(endpoint, async () => {
            await withLibzmqReply(endpoint, async (bound) => {
              assert.match(await run(path!, "req-libzmq", bound), /3 round trips with libzmq/);
            });
          });
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "on Node, zeromq.js in the same process talks to this library both ways over tcp",
  ignore: node === null,
  async fn() {
    assert.equal(await run(node!, "zeromqjs"), "ok both directions with zeromq.js");
  },
});

Deno.test({
  name: "on Node, zeromq.js talks to this library over ws, each side binding, NULL and CURVE",
  ignore: node === null,
  async fn() {
    assert.equal(
      await run(node!, "zeromqjs-ws"),
      "ok both directions over ws with zeromq.js: NULL, CURVE",
    );
  },
});

Deno.test({
  name: "the npm package's manifest points at files that exist, and its bin runs on Node",
  ignore: node === null,
  async fn() {
    const dir = await packagePath();
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/package.json`));
    assert.equal(manifest.type, "module");
    assert.equal(manifest.exports["."].import, "./mod.js");
    await Deno.stat(`${dir}/${manifest.exports["."].import}`);
    const { code, stdout } = await new Deno.Command(node!, {
      args: [`${dir}/${manifest.bin.zmtp}`, "--version"],
      stdout: "piped",
    }).output();
    assert.equal(code, 0);
    assert.equal(new TextDecoder().decode(stdout).trim(), manifest.version);
  },
});
