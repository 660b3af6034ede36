/**
 * Deno's permission model, seen from a user's program: each case runs a
 * small program in a subprocess with or without a permission flag.
 */

import assert from "node:assert/strict";
import { within } from "../helpers.ts";
import { hasIpv6Loopback, ipcDir } from "./cases.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

interface ProbeReport {
  ok: boolean;
  isZmqError?: boolean;
  code?: string;
  message?: string;
  causeIsNotCapable?: boolean;
  causeMessage?: string;
}

/** Runs permission_probe.ts: `op` is bind or connect. */
async function probe(
  flags: string[],
  op: "bind" | "connect" | "connect-event",
  endpoint: string,
): Promise<ProbeReport> {
  const { code, stdout, stderr } = await within(
    20000,
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--no-lock",
        ...flags,
        fixture("permission_probe.ts"),
        op,
        endpoint,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output(),
  );
  const decoder = new TextDecoder();
  assert.equal(code, 0, decoder.decode(stderr));
  return JSON.parse(decoder.decode(stdout));
}

/** Asserts an EACCES report whose message ends with `run with <flags>`; returns those flags. */
function assertRefused(report: ProbeReport, expectedFlags: string[]): string[] {
  assert.equal(report.ok, false, "the operation should have been refused");
  assert.equal(report.isZmqError, true);
  assert.equal(report.code, "EACCES");
  assert.equal(report.causeIsNotCapable, true, "the cause is Deno's NotCapable error");
  assert.match(report.causeMessage!, /^Requires (net|read|write) access to /);
  const marker = ": run with ";
  const at = report.message!.indexOf(marker);
  assert.ok(at > 0, `no "run with" in: ${report.message}`);
  const flags = report.message!.slice(at + marker.length).split(" ");
  assert.deepEqual(flags, expectedFlags);
  return flags;
}

/** A port nobody listens on now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

Deno.test("without --allow-net, tcp bind rejects with EACCES naming --allow-net=host:port", async () => {
  const port = freePort();
  const report = await probe([], "bind", `tcp://127.0.0.1:${port}`);
  assertRefused(report, [`--allow-net=127.0.0.1:${port}`]);
  assert.equal(
    report.message,
    `bind tcp://127.0.0.1:${port} needs network access: run with --allow-net=127.0.0.1:${port}`,
  );
  assert.equal(
    report.causeMessage,
    `Requires net access to "127.0.0.1:${port}", run again with the --allow-net flag`,
  );
});

Deno.test("with the flag the error named, the same tcp bind works", async () => {
  const port = freePort();
  const flags = assertRefused(await probe([], "bind", `tcp://127.0.0.1:${port}`), [
    `--allow-net=127.0.0.1:${port}`,
  ]);
  assert.deepEqual(await probe(flags, "bind", `tcp://127.0.0.1:${port}`), { ok: true });
});

Deno.test("a tcp bind on an ephemeral port asks for the host alone", async () => {
  const flags = assertRefused(await probe([], "bind", "tcp://127.0.0.1:*"), [
    "--allow-net=127.0.0.1",
  ]);
  assert.deepEqual(await probe(flags, "bind", "tcp://127.0.0.1:*"), { ok: true });
});

Deno.test("a tcp bind on * asks for --allow-net=0.0.0.0:port", async () => {
  const port = freePort();
  assertRefused(await probe([], "bind", `tcp://*:${port}`), [`--allow-net=0.0.0.0:${port}`]);
});

Deno.test("a flag for another port does not let a tcp bind through", async () => {
  const port = freePort();
  assertRefused(
    await probe([`--allow-net=127.0.0.1:${port + 1}`], "bind", `tcp://127.0.0.1:${port}`),
    [
      `--allow-net=127.0.0.1:${port}`,
    ],
  );
});

Deno.test("with --deny-net, tcp bind is refused with EACCES", async () => {
  assertRefused(await probe(["--deny-net"], "bind", "tcp://127.0.0.1:*"), [
    "--allow-net=127.0.0.1",
  ]);
});

Deno.test("without --allow-net, tcp connect throws EACCES synchronously", async () => {
  const report = await probe([], "connect", "tcp://127.0.0.1:5555");
  assertRefused(report, ["--allow-net=127.0.0.1:5555"]);
  assert.equal(
    report.message,
    "connect tcp://127.0.0.1:5555 needs network access: run with --allow-net=127.0.0.1:5555",
  );
});

Deno.test("a tcp connect by host name asks for --allow-net=name:port, and that flag suffices", async () => {
  const flags = assertRefused(await probe([], "connect", "tcp://localhost:5555"), [
    "--allow-net=localhost:5555",
  ]);
  assert.deepEqual(await probe(flags, "connect", "tcp://localhost:5555"), { ok: true });
});

Deno.test("a --deny-net on the address a name resolves to is reported by the connection", async () => {
  // Deno can only check the resolved address when it connects, so this one
  // arrives as the connect:delay event's error, not as a throw from connect().
  const report = await probe(
    ["--allow-net=localhost:5555", "--deny-net=127.0.0.1:5555"],
    "connect-event",
    "tcp://localhost:5555",
  );
  assert.equal(report.code, "EACCES");
  assert.equal(report.causeIsNotCapable, true);
  assert.match(report.message!, /^connect tcp:\/\/localhost:5555 was refused by Deno/);
  assert.match(report.message!, /--allow-net=localhost:5555 and no --deny flag covering it/);
});

Deno.test("a tcp connect over IPv6 asks for --allow-net=[::1]:port", async () => {
  const flags = assertRefused(await probe([], "connect", "tcp://[::1]:5555"), [
    "--allow-net=[::1]:5555",
  ]);
  assert.deepEqual(await probe(flags, "connect", "tcp://[::1]:5555"), { ok: true });
});

Deno.test({
  name: `an IPv6 bind works with the flag its error named${
    hasIpv6Loopback ? "" : " (skipped: no IPv6 loopback)"
  }`,
  ignore: !hasIpv6Loopback,
  fn: async () => {
    const flags = assertRefused(await probe([], "bind", "tcp://[::1]:*"), ["--allow-net=[::1]"]);
    assert.deepEqual(await probe(flags, "bind", "tcp://[::1]:*"), { ok: true });
  },
});

Deno.test("an ipc bind without permissions names read, write and net for the path", async () => {
  const path = `${ipcDir()}/perm-bind.sock`;
  const report = await probe([], "bind", `ipc://${path}`);
  assertRefused(report, [
    `--allow-read=${path}`,
    `--allow-write=${path}`,
    `--allow-net=unix:${path}`,
  ]);
  assert.equal(
    report.causeMessage,
    `Requires read access to "${path}", run again with the --allow-read flag`,
  );
});

Deno.test("an ipc bind with some of the flags names exactly the missing ones", async () => {
  const path = `${ipcDir()}/perm-some.sock`;
  assertRefused(await probe([`--allow-read=${path}`], "bind", `ipc://${path}`), [
    `--allow-write=${path}`,
    `--allow-net=unix:${path}`,
  ]);
  assertRefused(
    await probe([`--allow-read=${path}`, `--allow-write=${path}`], "bind", `ipc://${path}`),
    [
      `--allow-net=unix:${path}`,
    ],
  );
  assertRefused(await probe(["--allow-net"], "bind", `ipc://${path}`), [
    `--allow-read=${path}`,
    `--allow-write=${path}`,
  ]);
});

Deno.test("with the flags the error named, the same ipc bind works", async () => {
  const path = `${ipcDir()}/perm-ok.sock`;
  const flags = assertRefused(await probe([], "bind", `ipc://${path}`), [
    `--allow-read=${path}`,
    `--allow-write=${path}`,
    `--allow-net=unix:${path}`,
  ]);
  assert.deepEqual(await probe(flags, "bind", `ipc://${path}`), { ok: true });
});

Deno.test("an ipc connect without permissions throws EACCES synchronously", async () => {
  const path = `${ipcDir()}/perm-connect.sock`;
  const flags = assertRefused(await probe([], "connect", `ipc://${path}`), [
    `--allow-read=${path}`,
    `--allow-write=${path}`,
    `--allow-net=unix:${path}`,
  ]);
  assert.deepEqual(await probe(flags, "connect", `ipc://${path}`), { ok: true });
});

Deno.test("an inproc endpoint needs no permission, even with --deny-net", async () => {
  assert.deepEqual(await probe(["--deny-net"], "bind", "inproc://probe"), { ok: true });
  assert.deepEqual(await probe([], "connect", "inproc://probe"), { ok: true });
});

Deno.test("an uncaught EACCES is one clear line naming the flag", async () => {
  const { code, stderr } = await within(
    20000,
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--no-lock",
        fixture("uncaught_connect.ts"),
        "tcp://127.0.0.1:5555",
      ],
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output(),
  );
  assert.equal(code, 1);
  const firstLine = new TextDecoder().decode(stderr).split("\n")[0];
  assert.equal(
    firstLine,
    "error: Uncaught (in promise) ZmqError: connect tcp://127.0.0.1:5555 needs network access: " +
      "run with --allow-net=127.0.0.1:5555",
  );
});

/** True when `script` (util-linux) can give a subprocess a terminal. */
const hasScript = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test({
  name: `on a terminal, a missing permission fails at once instead of prompting${
    hasScript ? "" : " (skipped: no `script` command to make a terminal)"
  }`,
  ignore: !hasScript || Deno.build.os !== "linux",
  fn: async () => {
    // Deno prompts on a terminal when an API needs a permission in the
    // "prompt" state; the library must query first and never trigger that.
    const command = [
      Deno.execPath(),
      "run",
      "--no-lock",
      fixture("uncaught_connect.ts"),
      "tcp://127.0.0.1:5555",
    ]
      .map((arg) => `'${arg}'`).join(" ");
    const child = new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 15000);
    const { code, stdout } = await child.output().finally(() => clearTimeout(timer));
    const text = new TextDecoder().decode(stdout);
    assert.doesNotMatch(text, /Allow\?/);
    assert.match(text, /ZmqError: connect tcp:\/\/127\.0\.0\.1:5555 needs network access/);
    assert.equal(code, 1);
  },
});

Deno.test("without --allow-net, ws bind rejects with EACCES naming --allow-net=host:port", async () => {
  const port = freePort();
  const report = await probe([], "bind", `ws://127.0.0.1:${port}/feed`);
  assertRefused(report, [`--allow-net=127.0.0.1:${port}`]);
  assert.equal(
    report.message,
    `bind ws://127.0.0.1:${port}/feed needs network access: run with --allow-net=127.0.0.1:${port}`,
  );
});

Deno.test("with the flag the error named, the same ws bind works", async () => {
  const port = freePort();
  const flags = assertRefused(await probe([], "bind", `ws://127.0.0.1:${port}`), [
    `--allow-net=127.0.0.1:${port}`,
  ]);
  assert.deepEqual(await probe(flags, "bind", `ws://127.0.0.1:${port}`), { ok: true });
});

Deno.test("without --allow-net, wss connect throws EACCES synchronously", async () => {
  const report = await probe([], "connect", "wss://127.0.0.1:5555/feed");
  assertRefused(report, ["--allow-net=127.0.0.1:5555"]);
  assert.equal(
    report.message,
    "connect wss://127.0.0.1:5555/feed needs network access: run with --allow-net=127.0.0.1:5555",
  );
});
