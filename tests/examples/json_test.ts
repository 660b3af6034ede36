import assert from "node:assert/strict";
import { within } from "../helpers.ts";
import { ExampleProcess, freeEndpoint } from "./run.ts";

Deno.test("example json: a REQ client and a REP service exchange JSON, bad JSON gets an error reply", async () => {
  const endpoint = freeEndpoint();
  const server = new ExampleProcess("json/server.ts", [endpoint]);
  const client = new ExampleProcess("json/client.ts", [endpoint]);
  try {
    const lines = await within(30000, client.finished(), "json client");
    const replies = lines.map((line) => JSON.parse(line));
    assert.deepEqual(replies.slice(0, 6), [
      { ok: true, item: "apple", count: 3 },
      { ok: true, item: "pear", count: 2 },
      { ok: true, item: "apple", count: 7 },
      { ok: true, item: "apple", count: 7 },
      { ok: true, items: { apple: 7, pear: 2 } },
      { ok: false, error: 'unknown op "sell"' },
    ]);
    assert.equal(replies[6].ok, false);
    assert.match(replies[6].error, /^not JSON/);
    assert.equal(replies.length, 7);
  } finally {
    await client.stop();
    await server.stop();
  }
});
