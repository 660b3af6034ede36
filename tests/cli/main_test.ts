import assert from "node:assert/strict";
import { version } from "../../mod.ts";
import { runCli } from "./cli_process.ts";

const SUBCOMMANDS = ["relay", "send", "recv", "proxy", "keygen", "monitor", "perf"];

Deno.test("zmtp --help lists every subcommand", async () => {
  const { code, stdout } = await runCli(["--help"], { permissions: [] });
  assert.equal(code, 0);
  for (const name of SUBCOMMANDS) assert.match(stdout, new RegExp(`^  ${name} +\\S`, "m"));
});

Deno.test("every subcommand has --help, exit status 0, no permission needed", async () => {
  const results = await Promise.all(
    SUBCOMMANDS.map((name) => runCli([name, "--help"], { permissions: [] })),
  );
  for (const [i, name] of SUBCOMMANDS.entries()) {
    const { code, stdout, stderr } = results[i];
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^zmtp ${name}: `), name);
    assert.match(stdout, /Usage:/, name);
  }
});

Deno.test("zmtp with no subcommand, or an unknown one, exits with status 2", async () => {
  const none = await runCli([], { permissions: [] });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage:/);
  const unknown = await runCli(["rleay"], { permissions: [] });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'zmtp: unknown command "rleay" (try zmtp --help)');
});

Deno.test("zmtp --version prints the library's version", async () => {
  const { code, stdout } = await runCli(["--version"], { permissions: [] });
  assert.equal(code, 0);
  assert.equal(stdout, `${version}\n`);
});
