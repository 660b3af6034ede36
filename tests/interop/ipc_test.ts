/** ipc:// against libzmq (zeromq.js in Node), in both roles. */

import assert from "node:assert/strict";
import { Pair, Pull, Push } from "../../mod.ts";
import { LibzmqPeer } from "./libzmq.ts";
import { eventually, texts, within } from "../helpers.ts";

const dir = Deno.makeTempDirSync({ prefix: "zmtp-interop-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch { /* already gone */ }
});
let counter = 0;
const freshEndpoint = () => `ipc://${dir}/interop-${++counter}.sock`;

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Waits until nothing listens on the socket file any more (libzmq closes asynchronously). */
async function untilRefused(path: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      (await Deno.connect({ transport: "unix", path })).close();
    } catch (err) {
      if (err instanceof Deno.errors.ConnectionRefused) return;
      throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`something still listens on ${path}`);
}

Deno.test("over ipc, our PUSH connects to a libzmq PULL", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = await peer.socket("Pull");
  const endpoint = await pull.bind(freshEndpoint());
  using push = new Push();
  push.connect(endpoint);
  await push.send(["over", "ipc"]);
  assert.deepEqual(texts(await pull.receive(5000)), ["over", "ipc"]);
});

Deno.test("over ipc, a libzmq PUSH connects to our PULL", async () => {
  await using peer = await LibzmqPeer.start();
  using pull = new Pull();
  await pull.bind(freshEndpoint());
  const push = await peer.socket("Push");
  await push.connect(pull.lastEndpoint!);
  await push.sendMany([["a"], ["b", "c"]]);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["a"]);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["b", "c"]);
});

Deno.test("over ipc, PAIR talks both ways with libzmq, whichever side binds", async () => {
  await using peer = await LibzmqPeer.start();
  using ours = new Pair();
  await ours.bind(freshEndpoint());
  const theirs = await peer.socket("Pair");
  await theirs.connect(ours.lastEndpoint!);
  await theirs.send("from libzmq");
  assert.deepEqual(texts(await within(5000, ours.receive())), ["from libzmq"]);
  await ours.send("from zmtp");
  assert.deepEqual(texts(await theirs.receive(5000)), ["from zmtp"]);

  const boundByThem = await peer.socket("Pair");
  const endpoint = await boundByThem.bind(freshEndpoint());
  using connecting = new Pair();
  connecting.connect(endpoint);
  await connecting.send("to the libzmq binder");
  assert.deepEqual(texts(await boundByThem.receive(5000)), ["to the libzmq binder"]);
  await boundByThem.send("back");
  assert.deepEqual(texts(await within(5000, connecting.receive())), ["back"]);
});

Deno.test("we reuse the socket file a closed libzmq socket left behind", async () => {
  await using peer = await LibzmqPeer.start();
  const endpoint = freshEndpoint();
  const path = endpoint.slice("ipc://".length);
  const theirs = await peer.socket("Pull");
  await theirs.bind(endpoint);
  await theirs.close();
  // libzmq leaves the file; its listener is gone, so the file is stale.
  await eventually(() => exists(path), 2000, "libzmq's socket file");
  await untilRefused(path);
  using pull = new Pull();
  await within(5000, pull.bind(endpoint));
  const push = await peer.socket("Push");
  await push.connect(endpoint);
  await push.send("to the new owner");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["to the new owner"]);
});

Deno.test("we refuse to bind a path a live libzmq socket listens on", async () => {
  await using peer = await LibzmqPeer.start();
  const theirs = await peer.socket("Pull");
  const endpoint = await theirs.bind(freshEndpoint());
  using pull = new Pull();
  await assert.rejects(
    pull.bind(endpoint),
    (err) => (err as { code?: string }).code === "EADDRINUSE",
  );
  using push = new Push();
  push.connect(endpoint);
  await push.send("libzmq still owns it");
  assert.deepEqual(texts(await theirs.receive(5000)), ["libzmq still owns it"]);
});
