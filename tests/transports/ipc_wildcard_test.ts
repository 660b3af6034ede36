/** ipc://* : a fresh socket path in a new temporary directory, as libzmq makes one. */

import assert from "node:assert/strict";
import { Pull, Push, ZmqError } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { LibzmqPeer } from "../interop/libzmq.ts";

const isEinval = (err: unknown) => err instanceof ZmqError && err.code === "EINVAL";

function dirOf(endpoint: string): string {
  const path = endpoint.slice("ipc://".length);
  return path.slice(0, path.lastIndexOf("/"));
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("ipc://* binds a fresh path, reported by lastEndpoint, removed with its directory at close", async () => {
  const pull = new Pull();
  await pull.bind("ipc://*");
  const other = new Pull();
  await other.bind("ipc://*");
  const endpoint = pull.lastEndpoint!;
  assert.match(endpoint, /^ipc:\/\/\/.+\/socket$/);
  assert.notEqual(other.lastEndpoint, endpoint);
  using push = new Push();
  push.connect(endpoint);
  await push.send("to a generated path");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["to a generated path"]);
  pull.close();
  other.close();
  // The listener is released asynchronously; its directory goes with it.
  const deadline = Date.now() + 5000;
  while (exists(dirOf(endpoint)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(exists(dirOf(endpoint)), false);
});

Deno.test("ipc://* can be unbound by the path lastEndpoint gave", async () => {
  using pull = new Pull();
  await pull.bind("ipc://*");
  const endpoint = pull.lastEndpoint!;
  await pull.unbind(endpoint);
  assert.equal(exists(dirOf(endpoint)), false);
});

Deno.test("ipc://* cannot be connected to (EINVAL)", () => {
  using push = new Push();
  assert.throws(() => push.connect("ipc://*"), isEinval);
});

Deno.test("a libzmq PUSH connects to the path our ipc://* bind generated", async () => {
  await using peer = await LibzmqPeer.start();
  using pull = new Pull();
  await pull.bind("ipc://*");
  const push = await peer.socket("Push");
  await push.connect(pull.lastEndpoint!);
  await push.send("from libzmq");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["from libzmq"]);
  await push.close();
});
