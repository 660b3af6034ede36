import assert from "node:assert/strict";
import { within } from "../helpers.ts";

Deno.test("example pair: tasks signal down a chain of inproc PAIRs, with no permissions at all", async () => {
  const output = await within(
    30000,
    new Deno.Command(Deno.execPath(), {
      args: ["run", new URL("../../examples/pair/pair.ts", import.meta.url).pathname, "500"],
      stdin: "null",
    }).output(),
    "pair example",
  );
  const decoder = new TextDecoder();
  assert.equal(output.code, 0, decoder.decode(output.stderr));
  const lines = decoder.decode(output.stdout).trim().split("\n");
  assert.deepEqual(lines.slice(0, 3), [
    "Step 1 ready, signaling step 2",
    "Step 2 ready, signaling step 3",
    "Test successful!",
  ]);
  assert.match(lines[3], /^Ping-pong: 500 round trips in [\d.]+ ms$/);
  assert.equal(lines.length, 4);
});
