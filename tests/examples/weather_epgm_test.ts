import assert from "node:assert/strict";
import { within } from "../helpers.ts";
import { PgmNet, pgmSkipReason } from "../interop/pgm/net.ts";

const here = new URL("../../examples/weather/", import.meta.url);
const skip = await pgmSkipReason();
if (skip) console.log(`weather over epgm skipped: ${skip}`);

Deno.test({
  name: "weather example over epgm: a client in another network namespace averages its zip code",
  ignore: skip !== null,
  async fn() {
    const net = await PgmNet.create(2);
    const server = net.spawn(0, Deno.execPath(), [
      "run",
      "--unstable-net",
      "--allow-net",
      "--allow-sys=networkInterfaces",
      new URL("server.ts", here).pathname,
      "epgm://eth0;239.192.1.1:5556",
      "10",
    ]);
    const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      const first = (await within(30000, lines.read(), "the server's first line")).value ?? "";
      assert.match(first, /Publishing weather updates on epgm:\/\/eth0;239\.192\.1\.1:5556/);
      const client = net.spawn(1, Deno.execPath(), [
        "run",
        "--unstable-net",
        "--allow-net",
        new URL("client.ts", here).pathname,
        `epgm://${net.address(1)};239.192.1.1:5556`,
        "00007",
        "25",
      ]);
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
      await server.stderr.cancel().catch(() => {});
      await net.close();
    }
  },
});
