/**
 * Starts another program of the pipeline in the runtime this one runs on:
 * Deno with only the network permission the program needs, or Node or Bun
 * on the JavaScript that `deno task build:npm` writes beside this file.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** A program of the pipeline running in its own process. */
export interface Program {
  stdout: AsyncIterable<Uint8Array>;
  stderr: AsyncIterable<Uint8Array>;
  /** Resolves to whether the program exited with status 0. */
  succeeded: Promise<boolean>;
  kill(): void;
}

// ".ts" in the repository, ".js" in the built package.
const extension = import.meta.url.slice(import.meta.url.lastIndexOf("."));

/** Starts `name` (say "sink"), a program in this directory, with `args`. */
export function launch(name: string, args: string[]): Program {
  const file = fileURLToPath(new URL(`${name}${extension}`, import.meta.url));
  if ("Deno" in globalThis) {
    // Deno.Command, because node:child_process would also need --allow-env.
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", file, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      succeeded: child.status.then((status) => status.success),
      kill() {
        try {
          child.kill();
        } catch { /* already exited */ }
      },
    };
  }
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    succeeded: new Promise((resolve) => {
      child.on("close", (code) => resolve(code === 0));
      child.on("error", () => resolve(false));
    }),
    kill: () => child.kill(),
  };
}
