import assert from "node:assert/strict";
import { within } from "../helpers.ts";

const root = new URL("../../", import.meta.url);

Deno.test("deno task bench --quick runs both libraries and writes well-formed JSON", async () => {
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    // The quick suite with the shortest windows: a smoke check of the harness, not a measurement.
    const output = await within(
      30_000,
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "bench/main.ts",
          "--quick",
          "--runs",
          "1",
          "--warmup",
          "20",
          "--duration",
          "50",
          "--json",
          json,
        ],
        cwd: root.pathname,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output(),
      "bench --quick",
    );
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const results = JSON.parse(await Deno.readTextFile(json));
    assert.equal(typeof results.machine.cores, "number");
    assert.equal(results.settings.quick, true);
    const cases = results.rows.map((r: { key: string; size: number }) => `${r.key} ${r.size}`);
    assert.deepEqual(cases.sort(), ["zeromq.js 64", "zeromq.js 65536", "zmtp 64", "zmtp 65536"]);
    for (const row of results.rows) {
      assert.equal(row.suite, "push-pull");
      assert.equal(row.transport, "tcp");
      assert.equal(row.unit, "msgs/s");
      assert.equal(row.runs.length, 1);
      assert.ok(row.median > 0, `${row.implementation} moved messages`);
      assert.ok(row.min <= row.median && row.median <= row.max);
      assert.ok(row.megabytesPerSecond > 0);
      assert.equal(typeof row.ratio, "number");
    }
    const target = results.targets.find((t: { name: string }) => t.name.startsWith("tcp 64 B"));
    assert.equal(typeof target.value, "number");
  } finally {
    await Deno.remove(json);
  }
});
