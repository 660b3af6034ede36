import assert from "node:assert/strict";
import { within } from "../helpers.ts";

const here = new URL("../../examples/weather/", import.meta.url);

Deno.test("weather example: the client averages the updates for its zip code", async () => {
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      new URL("server.ts", here).pathname,
      "tcp://127.0.0.1:*",
      "20",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const first = (await within(30000, lines.read(), "the server's first line")).value ?? "";
    const endpoint = first.match(/tcp:\/\/\S+/)?.[0];
    assert.ok(endpoint, `the server names its endpoint: ${first}`);

    const client = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        new URL("client.ts", here).pathname,
        endpoint,
        "00007",
        "25",
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = await within(60000, client.output(), "the client");
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const average = stdout.match(/Average temperature for zipcode '00007' was (-?\d+)F/);
    assert.ok(average, stdout);
    const degrees = Number(average[1]);
    assert.ok(degrees >= -80 && degrees <= 134, `a plausible average: ${degrees}`);
  } finally {
    server.kill("SIGTERM");
    await lines.cancel();
    await server.status;
  }
});
