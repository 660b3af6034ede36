import assert from "node:assert/strict";
import { within } from "../helpers.ts";
import { freeEndpoint } from "./run.ts";

const here = new URL("../../examples/config/", import.meta.url);

/** A program of the example whose stdout lines are collected as they come. */
function start(script: string, args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", new URL(script, here).pathname, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];
  const reading = (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        for (const w of waiters.filter((w) => w.test(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
  })();
  const stderr = new Response(child.stderr).text();
  return {
    lines,
    /** Resolves once a line passes `test`. */
    waitFor(test: (line: string) => boolean): Promise<void> {
      if (lines.some(test)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
    /** Waits for the exit (after SIGTERM if `kill`); rejects unless it exited with 0. */
    async exited(kill = false): Promise<void> {
      if (kill) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
      }
      const status = await child.status;
      await reading;
      assert.equal(status.code, 0, `${script}: ${await stderr}`);
    },
  };
}

/**
 * Checks a node's log: versions are applied one by one, each exactly once
 * and in order, after a snapshot or a catch-up snapshot; returns the first
 * snapshot's version and the final configuration line.
 */
function checkNode(lines: string[], name: string, last: number) {
  let version = -1;
  let firstSnapshot = -1;
  const applied = new Set<number>();
  for (const line of lines) {
    const snapshot = line.match(new RegExp(`^${name}: snapshot at version (\\d+)$`));
    const update = line.match(new RegExp(`^${name}: version (\\d+) `));
    if (snapshot) {
      const n = Number(snapshot[1]);
      assert.ok(n >= version, `${name}: a snapshot never goes back (${n} after ${version})`);
      version = n;
      if (firstSnapshot < 0) firstSnapshot = n;
    } else if (update) {
      const n = Number(update[1]);
      assert.equal(n, version + 1, `${name}: version ${n} follows ${version}`);
      assert.ok(!applied.has(n), `${name}: version ${n} applied twice`);
      applied.add(n);
      version = n;
    }
  }
  assert.equal(version, last, `${name} reached the last version`);
  const final = lines.at(-1)!.match(new RegExp(`^${name}: config at version ${last}: (.*)$`));
  assert.ok(final, `${name} ends with its configuration: ${lines.at(-1)}`);
  return { firstSnapshot, config: final[1], applied: applied.size };
}

Deno.test("example config: every node applies each version once, in order; a late node catches up", async () => {
  const updates = freeEndpoint();
  const snapshots = freeEndpoint();
  const versions = 150;
  const server = start("server.ts", [updates, snapshots, String(versions), "5"]);
  const early = start("node.ts", [updates, snapshots, "early", String(versions)]);
  let late: ReturnType<typeof start> | null = null;
  try {
    await within(30000, server.waitFor((l) => l === "published version 75"), "version 75");
    late = start("node.ts", [updates, snapshots, "late", String(versions)]);
    await within(60000, Promise.all([early.exited(), late.exited()]), "both nodes");
    await within(10000, server.waitFor((l) => l.startsWith("config at version")), "the server");
  } finally {
    await server.exited(true);
    await early.exited(true).catch(() => {});
    await late?.exited(true).catch(() => {});
  }
  const truth = server.lines.at(-1)!.match(new RegExp(`^config at version ${versions}: (.*)$`));
  assert.ok(truth, server.lines.at(-1));
  const e = checkNode(early.lines, "early", versions);
  const l = checkNode(late!.lines, "late", versions);
  assert.equal(e.config, truth[1]);
  assert.equal(l.config, truth[1]);
  assert.ok(l.firstSnapshot >= 75, `the late node started from a snapshot (${l.firstSnapshot})`);
  // Most versions arrive as updates, not through snapshots.
  assert.ok(e.applied > versions / 2, `early applied ${e.applied} updates`);
  assert.ok(l.applied > 0, `late applied ${l.applied} updates`);
});
