import assert from "node:assert/strict";
import { Pull } from "../../mod.ts";
import { LibzmqPeer } from "./libzmq.ts";
import { texts, within } from "../helpers.ts";

Deno.test("libzmq PUSH connects to our PULL", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const push = await peer.socket("Push");
  await push.connect(pull.lastEndpoint!);
  await push.send(["a", "", "c"]);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["a", "", "c"]);
  pull.close();
});
