import assert from "node:assert/strict";
import { curvePublicKey } from "../../mod.ts";
import { runCli } from "./cli_process.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "./python.ts";

/** The key pair from curve_keygen-style output: the line after each heading. */
function keysOf(stdout: string): { publicKey: string; secretKey: string } {
  const lines = stdout.split("\n");
  const after = (heading: string) => lines[lines.indexOf(heading) + 1];
  return { publicKey: after("== CURVE PUBLIC KEY =="), secretKey: after("== CURVE SECRET KEY ==") };
}

Deno.test("keygen prints a key pair laid out as libzmq's curve_keygen prints it", async () => {
  const { code, stdout } = await runCli(["keygen"], { permissions: [] });
  assert.equal(code, 0);
  assert.match(
    stdout,
    /^This tool generates a CurveZMQ keypair, as two printable strings you can\n(.+\n){5}\n== CURVE PUBLIC KEY ==\n.{40}\n\n== CURVE SECRET KEY ==\n.{40}\n$/,
  );
  const { publicKey, secretKey } = keysOf(stdout);
  assert.equal(curvePublicKey(secretKey), publicKey);
});

Deno.test("keygen --json prints one line, a fresh pair each time", async () => {
  const first = await runCli(["keygen", "--json"], { permissions: [] });
  const second = await runCli(["keygen", "--json"], { permissions: [] });
  assert.equal(first.code, 0);
  const a = JSON.parse(first.stdout);
  const b = JSON.parse(second.stdout);
  assert.deepEqual(Object.keys(a), ["publicKey", "secretKey"]);
  assert.equal(curvePublicKey(a.secretKey), a.publicKey);
  assert.notEqual(a.secretKey, b.secretKey);
});

Deno.test({
  name: withPyzmq("keygen's public key is the one libzmq derives from its secret key"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const { stdout } = await runCli(["keygen"], { permissions: [] });
    const { publicKey, secretKey } = keysOf(stdout);
    const python = new PythonPeer(
      `import zmq, sys; print(zmq.curve_public(${JSON.stringify(secretKey)}.encode()).decode())`,
    );
    assert.equal(await python.line(), publicKey);
    assert.equal((await python.finished()).code, 0);
  },
});
