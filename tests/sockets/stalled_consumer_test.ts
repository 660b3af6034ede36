// A consumer that never reads must not make its sender's memory grow: one
// million sends, measured in a subprocess (fixtures/stalled_consumer.ts)
// with V8's gc exposed so the figures are of live memory. Without the
// high-water marks the same run keeps every message: heapUsed grows by
// ~250 MB (`... stalled_consumer.ts push 1000000 0`).
import assert from "node:assert/strict";
import { within } from "../helpers.ts";

interface Report {
  mode: string;
  sends: number;
  queued: number;
  refused: number;
  seconds: number;
  before: { heapUsed: number; rss: number };
  after: { heapUsed: number; rss: number };
  peakRss: number;
}

const MB = 1024 * 1024;

async function run(mode: "push" | "pub"): Promise<Report> {
  const fixture = new URL("./fixtures/stalled_consumer.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--v8-flags=--expose-gc", fixture, mode],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, stderr);
  const report: Report = JSON.parse(new TextDecoder().decode(output.stdout));
  console.log(
    `${mode}: ${report.queued} queued, ${report.refused} refused in ${
      report.seconds.toFixed(1)
    } s; ` +
      `heapUsed ${(report.before.heapUsed / MB).toFixed(1)} -> ${
        (report.after.heapUsed / MB).toFixed(1)
      } MB, ` +
      `rss ${(report.before.rss / MB).toFixed(0)} -> ${(report.after.rss / MB).toFixed(0)} MB ` +
      `(peak ${(report.peakRss / MB).toFixed(0)})`,
  );
  return report;
}

Deno.test("1 M sends from a PUSH to a PULL that never reads: sends stop at the high-water mark, memory stays flat", async () => {
  const report = await within(60000, run("push"));
  assert.equal(report.queued + report.refused, 1_000_000);
  // Queued: the two high-water marks (1000 + 1000) and what the kernel's
  // socket buffers took; everything else was refused with EAGAIN.
  assert.ok(report.queued < 100_000, `${report.queued} queued`);
  assert.ok(report.refused > 900_000);
  const growth = report.after.heapUsed - report.before.heapUsed;
  assert.ok(growth < 16 * MB, `live heap grew by ${(growth / MB).toFixed(1)} MB`);
});

Deno.test("1 M sends from a PUB to a SUB that never reads: every send completes, the excess is dropped, memory stays flat", async () => {
  const report = await within(60000, run("pub"));
  assert.equal(report.queued, 1_000_000);
  assert.equal(report.refused, 0);
  const growth = report.after.heapUsed - report.before.heapUsed;
  assert.ok(growth < 16 * MB, `live heap grew by ${(growth / MB).toFixed(1)} MB`);
});
