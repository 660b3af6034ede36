/**
 * What the Node and Bun tests need: the runtimes and pyzmq where this
 * machine has them (each missing one printed once, with how to get it),
 * and the package `deno task build:npm` makes, built once per test run.
 */

import { buildNpm } from "../../npm/build.ts";

const root = new URL("../../", import.meta.url);

/** Debian's python3 with python3-zmq: libzmq 4.3.4. */
export const PYTHON = "/usr/bin/python3";

/** The first of `candidates` that runs with `--version`, or null. */
async function findExecutable(candidates: string[]): Promise<string | null> {
  for (const path of candidates) {
    try {
      const { success } = await new Deno.Command(path, { args: ["--version"], stdout: "null" })
        .output();
      if (success) return path;
    } catch { /* not there */ }
  }
  return null;
}

async function hasPyzmq(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(PYTHON, {
      args: ["-c", "import zmq"],
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** The machine's `node`, or null. */
export const node: string | null = await findExecutable(["node"]);
/** Bun from $BUN, .tools/ (`npm install --no-save --prefix .tools bun@1.4.4`) or PATH, or null. */
export const bun: string | null = await findExecutable([
  Deno.env.get("BUN") ?? "",
  new URL(".tools/node_modules/.bin/bun", root).pathname,
  "bun",
].filter((path) => path !== ""));
/** Whether PYTHON can import zmq. */
export const pyzmq: boolean = await hasPyzmq();

if (node === null) console.log("skipping the Node tests: no `node` on PATH");
if (bun === null) {
  console.log("skipping the Bun tests: no bun (npm install --no-save --prefix .tools bun@1.4.4)");
}
if (!pyzmq) console.log(`skipping the tests against libzmq (pyzmq): ${PYTHON} has no zmq module`);

let built: Promise<string> | null = null;
/** The npm package (without declarations), built once into a temporary directory. */
export function packagePath(): Promise<string> {
  built ??= Deno.makeTempDir({ prefix: "zmq-npm-" }).then((dir) =>
    buildNpm(dir, { declarations: false })
  );
  return built;
}

addEventListener("unload", () => {
  built?.then((dir) => Deno.removeSync(dir, { recursive: true })).catch(() => {});
});
