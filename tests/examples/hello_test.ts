import assert from "node:assert/strict";
import { delay, within } from "../helpers.ts";
import { ExampleProcess, freeEndpoint } from "./run.ts";

async function helloWorld(clientFirst: boolean): Promise<void> {
  const endpoint = freeEndpoint();
  const start = (script: string) => new ExampleProcess(`hello/${script}`, [endpoint, "3"]);
  let server: ExampleProcess;
  let client: ExampleProcess;
  if (clientFirst) {
    client = start("client.ts");
    await delay(300); // the client is running, and retrying, before the server exists
    server = start("server.ts");
  } else {
    server = start("server.ts");
    client = start("client.ts");
  }
  try {
    const clientLines = await within(30000, client.finished(), "hello client");
    assert.deepEqual(clientLines, [
      "client: reply 1: World",
      "client: reply 2: World",
      "client: reply 3: World",
    ]);
    const serverLines = await within(30000, server.finished(), "hello server");
    assert.equal(serverLines.filter((line) => line === "server: received Hello").length, 3);
  } finally {
    await client.stop();
    await server.stop();
  }
}

Deno.test("example hello: the server starts first", () => helloWorld(false));

Deno.test("example hello: the client starts first", () => helloWorld(true));
