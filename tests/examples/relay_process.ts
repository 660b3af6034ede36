/** Runs examples/relay.ts (or a bundle of it) as a subprocess and reads what it prints. */

import { within } from "../helpers.ts";

const root = new URL("../../", import.meta.url);

/** The relay script in the repository. */
export const RELAY_SCRIPT: string = new URL("examples/relay.ts", root).pathname;

/** A running relay: its endpoints, once ready, and every line it printed. */
export class RelayProcess {
  /** Resolved frontend endpoint (where publishers send). */
  frontend = "";
  /** Resolved backend endpoint (where subscribers connect). */
  backend = "";
  /** Every stdout line so far. */
  readonly lines: string[] = [];
  private readonly child: Deno.ChildProcess;
  private readonly reading: Promise<void>;
  private readonly waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];

  /** Starts `script` (the relay or its bundle) with `args`, network limited to 127.0.0.1. */
  constructor(args: string[], script = RELAY_SCRIPT) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", script, ...args],
      cwd: root.pathname,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.reading = this.read();
  }

  /** Starts a relay on free ports and waits until it is ready. */
  static async start(extra: string[] = [], script = RELAY_SCRIPT): Promise<RelayProcess> {
    const relay = new RelayProcess([
      "--frontend",
      "tcp://127.0.0.1:*",
      "--backend",
      "tcp://127.0.0.1:*",
      ...extra,
    ], script);
    try {
      await within(30000, relay.waitForLine((line) => line === "relay ready"), "relay start");
    } catch (err) {
      await relay.stop();
      throw err;
    }
    return relay;
  }

  private async read(): Promise<void> {
    let buffer = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        this.line(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
    }
  }

  private line(line: string): void {
    this.lines.push(line);
    const listening = line.match(/^(frontend|backend)(?: \(CURVE\))? listening on (\S+)$/);
    if (listening) this[listening[1] as "frontend" | "backend"] = listening[2];
    for (const waiter of [...this.waiters]) {
      if (waiter.test(line)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves when a line (already printed or to come) passes `test`. */
  waitForLine(test: (line: string) => boolean): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code and stderr. */
  async stop(): Promise<{ code: number; stderr: string }> {
    try {
      this.child.kill("SIGTERM");
    } catch { /* already exited */ }
    const stderr = new Response(this.child.stderr).text();
    const status = await within(10000, this.child.status, "relay exit");
    await this.reading;
    return { code: status.code, stderr: await stderr };
  }
}

/** Runs the relay with `args` to completion (e.g. --help); returns exit code and output. */
export async function runRelay(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await within(
    30000,
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", RELAY_SCRIPT, ...args],
      cwd: root.pathname,
      stdin: "null",
    }).output(),
    "relay run",
  );
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
