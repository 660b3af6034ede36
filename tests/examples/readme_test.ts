import assert from "node:assert/strict";
import { readme, runExample as run } from "./readme_example.ts";

/** The first ```ts block after the heading `## <title>`. */
function codeUnder(title: string): string {
  const section = readme.indexOf(`\n## ${title}\n`);
  assert.ok(section >= 0, `README has a "${title}" section`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(section));
  assert.ok(match !== null, `"${title}" has a TypeScript example`);
  return match[1];
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
