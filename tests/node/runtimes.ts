/**
 * What the tests in tests/node/ run on: the machine's `node`, Bun from
 * .tools/ (`npm install --no-save --prefix .tools bun@1.4.4`) or `$BUN`,
 * and the package `deno task build:npm` makes, built once per test process
 * (without declarations) into a temporary directory.
 */
import { buildNpm } from "../../npm/build.ts";

export const root = new URL("../../", import.meta.url);

/** The first of `candidates` that runs with `--version`, or null. */
export async function findExecutable(candidates: string[]): Promise<string | null> {
  for (const path of candidates) {
    try {
      const { success } = await new Deno.Command(path, { args: ["--version"], stdout: "null" })
        .output();
      if (success) return path;
    } catch { /* not there */ }
  }
  return null;
}

/** Node and Bun, each null where missing. */
export async function findRuntimes(): Promise<{ node: string | null; bun: string | null }> {
  const node = await findExecutable(["node"]);
  const bun = await findExecutable([
    Deno.env.get("BUN") ?? "",
    new URL(".tools/node_modules/.bin/bun", root).pathname,
    "bun",
  ].filter((path) => path !== ""));
  return { node, bun };
}

let built: Promise<string> | null = null;

/** The built package's directory (mod.js, package.json, …). */
export function packagePath(): Promise<string> {
  if (built === null) {
    built = Deno.makeTempDir({ prefix: "zmq-npm-" }).then((dir) =>
      buildNpm(dir, { declarations: false })
    );
    const dir = built;
    addEventListener("unload", () => {
      dir.then((path) => Deno.removeSync(path, { recursive: true })).catch(() => {});
    });
  }
  return built;
}
