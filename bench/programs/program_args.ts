/**
 * Arguments and output shared by the Deno benchmark programs (the Node
 * programs parse the same flags; see bench/protocol.ts).
 *
 * @module
 */

import { parseArgs } from "node:util";

/** What every measured program is told. */
export interface ProgramArgs {
  endpoint: string;
  size: number;
  count: number;
}

/** Parses `--endpoint`, `--size` and `--count`. */
export function parseProgramArgs(args: string[]): ProgramArgs {
  const { values } = parseArgs({
    args,
    options: {
      endpoint: { type: "string" },
      size: { type: "string" },
      count: { type: "string" },
    },
  });
  const size = Number(values.size);
  const count = Number(values.count);
  if (values.endpoint === undefined || !(size >= 0) || !(count >= 1)) {
    throw new Error("usage: --endpoint tcp://… --size BYTES --count MESSAGES");
  }
  return { endpoint: values.endpoint, size, count };
}

/** Prints one JSON line for bench/main.ts. */
export function report(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}
