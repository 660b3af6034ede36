import assert from "node:assert/strict";
import { within } from "../helpers.ts";

const root = new URL("../../", import.meta.url);
const readme = await Deno.readTextFile(new URL("README.md", root));

/** The first ```ts block after the heading `## <title>`. */
function codeUnder(title: string): string {
  const section = readme.indexOf(`\n## ${title}\n`);
  assert.ok(section >= 0, `README has a "${title}" section`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(section));
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

Deno.test("README's ten-line example runs and prints the two frames", async () => {
  const { code, output } = await run(codeUnder("Ten lines"));
  assert.equal(code, 0, output);
  assert.equal(output, "hello world\n");
});

Deno.test("README's Push/Pull/Pair example runs", async () => {
  const { code, output } = await run(codeUnder("Pipelines and pairs"));
  assert.equal(code, 0, output);
  assert.equal(output, "resize photo.jpg\nno second message in 1 s\n");
});

Deno.test("README's device example runs a STREAMER and stops it", async () => {
  const { code, output } = await run(codeUnder("Devices and the relay"));
  assert.equal(code, 0, output);
  assert.equal(output, "work\n");
});
