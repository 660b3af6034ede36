/** Reading and running README's TypeScript examples, as a newcomer would. */

import { within } from "../helpers.ts";

const root = new URL("../../", import.meta.url);

/** README.md's text. */
export const readme: string = await Deno.readTextFile(new URL("README.md", root));

/** Runs an example as a newcomer would, with the package name pointing at this checkout. */
export async function runExample(code: string): Promise<{ code: number; output: string }> {
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
