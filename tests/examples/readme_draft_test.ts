import assert from "node:assert/strict";
import { within } from "../helpers.ts";

const root = new URL("../../", import.meta.url);
const readme = await Deno.readTextFile(new URL("README.md", root));

/** The first ```ts block after `### <title>` inside `## Draft socket types`. */
function draftExample(title: string): string {
  const section = readme.slice(readme.indexOf("\n## Draft socket types\n"));
  const at = section.indexOf(`\n### ${title}\n`);
  assert.ok(at >= 0, `README's draft section has "${title}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(section.slice(at));
  assert.ok(match !== null, `"${title}" has a TypeScript example`);
  return match[1];
}

/** Runs an example as a newcomer would, with the package name pointing at this checkout. */
async function run(code: string): Promise<{ code: number; output: string }> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const mod = new URL("mod.ts", root).href;
    await Deno.writeTextFile(file, code.replaceAll('"@zmtp/zmq"', JSON.stringify(mod)));
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-net=127.0.0.1", file],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
    try {
      const result = await within(25000, child.output(), "README example");
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      return { code: result.code, output: decode(result.stdout) + decode(result.stderr) };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await Deno.remove(file);
  }
}

const CASES: [string, string][] = [
  ["Client and Server", "pong\n"],
  ["Radio and Dish", "temperature 21.5\n"],
  ["Scatter and Gather", "a\nb\nc\n"],
  ["Peer and Channel", "hello back\nover the channel\n"],
];

for (const [title, expected] of CASES) {
  Deno.test(`README's ${title} example runs`, async () => {
    const { code, output } = await run(draftExample(title));
    assert.equal(code, 0, output);
    assert.equal(output, expected);
  });
}
