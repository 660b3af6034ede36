import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { delay, texts, within } from "../helpers.ts";

Deno.test("an aborted receive rejects with the reason and leaves the next message to the next receive", async () => {
  const pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  const stop = new AbortController();
  const aborted = pull.receive({ signal: stop.signal });
  stop.abort(new Error("stop"));
  await assert.rejects(aborted, /stop/);
  await push.send("kept");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["kept"]);
  push.close();
  pull.close();
});

Deno.test("an aborted send at the high-water mark rejects and is not sent", async () => {
  const push = new Push({ sendHighWaterMark: 1, linger: 0 });
  push.connect("tcp://127.0.0.1:1");
  await push.send("fills the queue");
  const stop = new AbortController();
  const waiting = push.send("never sent", { signal: stop.signal });
  await delay(10);
  stop.abort(new Error("give up"));
  await assert.rejects(waiting, /give up/);
  push.close();
});

Deno.test("an already aborted signal rejects at once", async () => {
  const pull = new Pull();
  await assert.rejects(pull.receive({ signal: AbortSignal.abort(new Error("early")) }), /early/);
  pull.close();
});
