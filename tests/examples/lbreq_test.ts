import assert from "node:assert/strict";
import { within } from "../helpers.ts";
import { ExampleProcess, freeEndpoint } from "./run.ts";

Deno.test("example lbreq: one REQ client's requests alternate between two REP servers", async () => {
  const a = freeEndpoint();
  const b = freeEndpoint();
  const servers = [
    new ExampleProcess("lbreq/server.ts", [a, "A"]),
    new ExampleProcess("lbreq/server.ts", [b, "B"]),
  ];
  const client = new ExampleProcess("lbreq/client.ts", [a, b, "6"]);
  try {
    const lines = await within(30000, client.finished(), "lbreq client");
    assert.deepEqual(lines, [
      "client: request 1 served by A",
      "client: request 2 served by B",
      "client: request 3 served by A",
      "client: request 4 served by B",
      "client: request 5 served by A",
      "client: request 6 served by B",
    ]);
  } finally {
    await client.stop();
    for (const server of servers) await server.stop();
  }
});
