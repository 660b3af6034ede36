/**
 * `zmtp`, the command-line tool of @zmtp/zmq: relay, send and receive,
 * proxy, make CURVE keys, watch socket events and measure throughput and
 * latency, without writing code.
 *
 * ```sh
 * deno run -A jsr:@zmtp/zmq/cli --help
 * deno install -g -A -n zmtp jsr:@zmtp/zmq/cli
 * zmtp recv --type sub --connect tcp://127.0.0.1:5556 --subscribe weather.
 * ```
 *
 * @module
 */

import { version, ZmqError } from "../mod.ts";
import {
  type Command,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  note,
  OutputClosed,
  UsageError,
  writeLine,
} from "./common.ts";
import { keygen } from "./keygen.ts";
import { monitor } from "./monitor.ts";
import { perf } from "./perf.ts";
import { proxyCommand } from "./proxy.ts";
import { relay } from "./relay.ts";
import { recv, send } from "./send_recv.ts";

const COMMANDS: Command[] = [relay, send, recv, proxyCommand, keygen, monitor, perf];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `zmtp ${version}: ZeroMQ from the command line (pure TypeScript, talks to libzmq)

Usage:
  zmtp <command> [options]
  zmtp <command> --help

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Exit status: 0 success, 1 failure (one line on stderr), 2 bad flag or endpoint.
`;
}

/**
 * Runs the tool with command-line `args` (the subcommand first) and
 * resolves to its exit status; errors are reported on stderr, one line each.
 */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    note(usage());
    return EXIT_USAGE;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    writeLine(usage());
    return EXIT_OK;
  }
  if (name === "--version" || name === "-V") {
    writeLine(version);
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    note(`zmtp: unknown command "${name}" (try zmtp --help)`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    return failed(command.name, err);
  }
}

/** One line on stderr for what went wrong, and the exit status it calls for. */
function failed(command: string, err: unknown): number {
  if (err instanceof OutputClosed) return EXIT_OK;
  if (err instanceof UsageError) {
    note(`zmtp ${command}: ${err.message} (try zmtp ${command} --help)`);
    return EXIT_USAGE;
  }
  const message = err instanceof ZmqError || err instanceof Error ? err.message : String(err);
  note(`zmtp ${command}: ${message.split("\n")[0]}`);
  return EXIT_FAILURE;
}

if (import.meta.main) {
  // Not Deno.exit: sockets that are closing still deliver what they queued
  // (linger); the process ends when they are done.
  Deno.exitCode = await main(Deno.args);
}
