/**
 * What every subcommand shares: flag parsing that reports one line, exit
 * statuses, binding and connecting, clean shutdown on signals, and stdout
 * writes that survive a closed pipe.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { type SocketBase, ZmqError } from "../mod.ts";

/** A mistake on the command line (bad flag, value or endpoint): exit status 2. */
export class UsageError extends Error {}

/** Exit statuses: success, runtime failure, usage mistake. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** One subcommand of the tool. */
export interface Command {
  /** The word after `zmtp`. */
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The text `--help` prints. */
  usage: string;
  /** Runs with the arguments after the subcommand; resolves to the exit status. */
  run(args: string[]): Promise<number>;
}

/** Flag definitions, as `parseArgs` takes them. */
export type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flags every subcommand has. */
const HELP: Options = { help: { type: "boolean", short: "h" } };

/**
 * `parseArgs` with `--help` added and its errors turned into one-line
 * {@link UsageError}s (node's messages run on with advice about `--`).
 */
export function parseFlags(
  args: string[],
  options: Options,
  allowPositionals = false,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: attachDashValues(args, options),
      options: { ...HELP, ...options },
      strict: true,
      allowPositionals,
    });
    return { values, positionals };
  } catch (err) {
    throw new UsageError(firstSentence((err as Error).message));
  }
}

/**
 * A string flag always takes the next argument, even one that starts with
 * "-": Z85 keys may (`--curve-secret-key -x…`), and parseArgs would call
 * that ambiguous. Such pairs are joined as `--flag=value` first.
 */
function attachDashValues(args: string[], options: Options): string[] {
  const takesValue = new Set<string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (option.short !== undefined) takesValue.add(`-${option.short}`);
  }
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    if (arg === "--") {
      joined.push(...args.slice(i));
      break;
    }
    if (takesValue.has(arg) && next !== undefined && next.startsWith("-")) {
      joined.push(arg.startsWith("--") ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function firstSentence(message: string): string {
  const end = message.search(/\.(\s|$)/);
  return (end < 0 ? message : message.slice(0, end)).split("\n")[0]
    .replace(/^(Unknown option|Option)/, (word) => word.toLowerCase());
}

/** The value of a string flag (parseArgs types string flags as `string | boolean`). */
export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The values of a repeatable string flag. */
export function texts(value: unknown): string[] {
  return Array.isArray(value) ? value : [];
}

/** A numeric flag: `fallback` when absent, else a finite number ≥ `min` (an integer if asked). */
export function numberFlag(
  value: unknown,
  flag: string,
  fallback: number,
  { min = 0, integer = false }: { min?: number; integer?: boolean } = {},
): number {
  const given = text(value);
  if (given === undefined) return fallback;
  const n = Number(given);
  if (given.trim() === "" || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} takes ${integer ? "an integer" : "a number"} ≥ ${min}, got "${given}"`,
    );
  }
  return n;
}

/** Error codes that mean the user wrote something the library cannot use. */
const USAGE_CODES = new Set(["EINVAL", "EPROTONOSUPPORT", "ENOCOMPATPROTO"]);

/**
 * Runs socket setup (constructor, bind, connect): a malformed endpoint or
 * option becomes a {@link UsageError} naming `what`; other failures (an
 * address in use, a missing permission) pass through as runtime failures.
 */
export async function setup<T>(what: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof ZmqError && USAGE_CODES.has(err.code)) {
      throw new UsageError(`${what}: ${err.message}`);
    }
    throw err;
  }
}

/** Where a socket binds and where it connects. */
export interface Endpoints {
  bind: string[];
  connect: string[];
}

/**
 * Binds, then connects, `socket`; `report` hears each resolved endpoint
 * ("listening on tcp://127.0.0.1:5555", "connecting to …").
 */
export async function attach(
  socket: SocketBase,
  endpoints: Endpoints,
  report: (line: string) => void,
): Promise<void> {
  for (const endpoint of endpoints.bind) {
    await setup(`bind ${endpoint}`, () => socket.bind(endpoint));
    report(`listening on ${socket.lastEndpoint}`);
  }
  for (const endpoint of endpoints.connect) {
    await setup(`connect ${endpoint}`, () => socket.connect(endpoint));
    report(`connecting to ${endpoint}`);
  }
}

/** Fails with a usage error unless at least one endpoint was given. */
export function requireEndpoint(endpoints: Endpoints, hint = "--bind or --connect"): void {
  if (endpoints.bind.length + endpoints.connect.length === 0) {
    throw new UsageError(`no endpoint: give ${hint}`);
  }
}

/**
 * Aborts the returned signal on the first SIGINT or SIGTERM, so the
 * command can stop and let its sockets deliver what they queued (linger);
 * a second signal exits at once (128 + signal number, as shells report).
 * `dispose` removes the listeners.
 */
export function shutdownSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const handlers = signals.map((name) => {
    const handler = () => {
      if (controller.signal.aborted) Deno.exit(name === "SIGINT" ? 130 : 143);
      controller.abort();
    };
    Deno.addSignalListener(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [name, handler] of handlers) Deno.removeSignalListener(name, handler);
    },
  };
}

/** The reader went away (`zmtp recv | head -1`): stop quietly. */
export class OutputClosed extends Error {}

const encoder = new TextEncoder();

/** Writes a line to stdout synchronously (ordered with stderr); a closed pipe throws {@link OutputClosed}. */
export function writeLine(line: string): void {
  writeAll(Deno.stdout, encoder.encode(line + "\n"));
}

/** Writes text to a stream synchronously, all of it. */
export function writeAll(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  try {
    for (let written = 0; written < bytes.length;) {
      written += stream.writeSync(bytes.subarray(written));
    }
  } catch (err) {
    if (err instanceof Deno.errors.BrokenPipe) throw new OutputClosed();
    throw err;
  }
}

/** A line on stderr: progress and diagnostics, kept apart from the data on stdout. */
export function note(line: string): void {
  try {
    writeAll(Deno.stderr, encoder.encode(line + "\n"));
  } catch { /* nowhere left to say it */ }
}

/** Resolves when `signal` aborts (never, if it never does). */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}
