import assert from "node:assert/strict";
import { within } from "../helpers.ts";
import { ExampleProcess, freeEndpoint } from "./run.ts";

Deno.test("example broker: REQ clients are served by REP workers through a ROUTER/DEALER broker", async () => {
  const frontend = freeEndpoint();
  const backend = freeEndpoint();
  const broker = new ExampleProcess("broker/broker.ts", [frontend, backend]);
  const workers = [
    new ExampleProcess("broker/worker.ts", [backend, "w1"]),
    new ExampleProcess("broker/worker.ts", [backend, "w2"]),
  ];
  const clients = [
    new ExampleProcess("broker/client.ts", [frontend, "c1", "4"]),
    new ExampleProcess("broker/client.ts", [frontend, "c2", "4"]),
  ];
  try {
    const outputs = await within(
      30000,
      Promise.all(clients.map((client) => client.finished())),
      "broker clients",
    );
    outputs.forEach((lines, c) => {
      const name = `c${c + 1}`;
      assert.equal(lines.length, 4);
      lines.forEach((line, i) => {
        assert.match(line, new RegExp(`^${name}: ${name} job ${i + 1} done by w[12]$`));
      });
    });
  } finally {
    for (const process of [...clients, ...workers, broker]) await process.stop();
  }
});
