import assert from "node:assert/strict";
import { readme, runExample as run } from "./readme_example.ts";

/** The first ```ts block after `### <title>` inside `## Draft socket types`. */
function draftExample(title: string): string {
  const section = readme.slice(readme.indexOf("\n## Draft socket types\n"));
  const at = section.indexOf(`\n### ${title}\n`);
  assert.ok(at >= 0, `README's draft section has "${title}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(section.slice(at));
  assert.ok(match !== null, `"${title}" has a TypeScript example`);
  return match[1];
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
