import assert from "node:assert/strict";
import { parseFlags } from "../../cli/common.ts";

const OPTIONS = {
  "curve-server-key": { type: "string" as const },
  separator: { type: "string" as const, short: "s" },
  quiet: { type: "boolean" as const, short: "q" },
};

Deno.test("a string flag takes the next argument even when it starts with '-' (Z85 keys may)", () => {
  const key = "-Q1f8!hJ5kQe:4[u*yF&}vxUb8W#nq4Rr%v0o-W";
  const { values } = parseFlags(["--curve-server-key", key, "-s", "-", "-q"], OPTIONS);
  assert.equal(values["curve-server-key"], key);
  assert.equal(values.separator, "-");
  assert.equal(values.quiet, true);
});

Deno.test("arguments after -- are positionals, even ones that look like flags", () => {
  const { positionals } = parseFlags(["-q", "--", "--curve-server-key", "-x"], OPTIONS, true);
  assert.deepEqual(positionals, ["--curve-server-key", "-x"]);
});
