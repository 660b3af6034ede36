import assert from "node:assert/strict";
import { within } from "../helpers.ts";

const here = new URL("../../examples/telemetry/", import.meta.url);
const unstableNet = typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";

/** Runs the dashboard on `endpoint`, then sensors until it has shown its readings. */
async function telemetry(endpoint: string, flags: string[]): Promise<string> {
  const dashboard = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      ...flags,
      new URL("dashboard.ts", here).pathname,
      endpoint,
      "temperature,humidity",
      "12",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = dashboard.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let sensors: Deno.ChildProcess | undefined;
  try {
    const first = (await within(30000, lines.read(), "the dashboard's first line")).value ?? "";
    const bound = first.match(/(tcp|udp):\/\/\S+/)?.[0];
    assert.ok(bound, `the dashboard names its endpoint: ${first}`);
    sensors = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        ...flags,
        new URL("sensors.ts", here).pathname,
        bound,
        "1000",
        "5",
      ],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    let output = "";
    for (;;) {
      const { value, done } = await within(30000, lines.read(), "the dashboard's readings");
      if (done) break;
      output += value;
    }
    assert.equal((await dashboard.status).code, 0);
    return output;
  } finally {
    try {
      sensors?.kill();
    } catch { /* exited */ }
    await sensors?.status;
    try {
      dashboard.kill();
    } catch { /* exited */ }
    await dashboard.status;
  }
}

function check(output: string): void {
  const readings = output.split("\n").filter((l) => /^\w+ [\d.]+$/.test(l));
  assert.equal(readings.length, 12, output);
  assert.ok(readings.every((l) => /^(temperature|humidity) /.test(l)), output);
  assert.match(output, /(temperature|humidity): \d+ readings, mean \d+\.\d/);
}

Deno.test("telemetry example over tcp: the dashboard shows only the groups it joined", async () => {
  check(await telemetry("tcp://127.0.0.1:*", []));
});

Deno.test({
  name: "telemetry example over udp: the dashboard filters the groups itself",
  ignore: !unstableNet,
  async fn() {
    check(await telemetry("udp://127.0.0.1:*", ["--unstable-net"]));
  },
});
