/** Runs the `zmtp` command-line tool (cli/main.ts, or a bundle of it) as a subprocess. */

import { within } from "../helpers.ts";

const root = new URL("../../", import.meta.url);

/** The tool's entry point in the repository. */
export const CLI_SCRIPT: string = new URL("cli/main.ts", root).pathname;

/** How to start the tool. */
export interface CliOptions {
  /** Deno permission flags; default: network to 127.0.0.1 only. */
  permissions?: string[];
  /** The script to run: the entry point or a bundle of it. */
  script?: string;
  /** Text on stdin; default: none (stdin is closed). */
  stdin?: string;
  /** Keep stdin open after writing `stdin` (until the process is waited for). */
  keepStdinOpen?: boolean;
}

const decoder = new TextDecoder();

function command(args: string[], options: CliOptions, stdin: "null" | "piped"): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...(options.permissions ?? ["--allow-net=127.0.0.1"]),
      options.script ?? CLI_SCRIPT,
      ...args,
    ],
    cwd: root.pathname,
    stdin,
    stdout: "piped",
    stderr: "piped",
  });
}

/** Collects a stream's lines as they come, and lets a test wait for one. */
class Lines {
  readonly lines: string[] = [];
  readonly done: Promise<void>;
  private readonly waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];

  constructor(stream: ReadableStream<Uint8Array>, private readonly onLine: (line: string) => void) {
    this.done = this.read(stream);
  }

  private async read(stream: ReadableStream<Uint8Array>): Promise<void> {
    let buffer = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        this.add(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
    }
    if (buffer !== "") this.add(buffer);
  }

  private add(line: string): void {
    this.lines.push(line);
    this.onLine(line);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(line)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves when a line (already printed or to come) passes `test`. */
  waitFor(test: (line: string) => boolean): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

/** A running `zmtp` process: what it printed so far, line by line. */
export class CliProcess {
  private readonly child: Deno.ChildProcess;
  private readonly out: Lines;
  private readonly err: Lines;
  private stdin: WritableStreamDefaultWriter<Uint8Array> | null = null;

  /** Starts `zmtp <args>`; `onLine` sees each stdout line as it comes. */
  constructor(args: string[], options: CliOptions = {}, onLine: (line: string) => void = () => {}) {
    this.child = command(args, options, options.stdin === undefined ? "null" : "piped").spawn();
    if (options.stdin !== undefined) {
      const writer = this.child.stdin.getWriter();
      const written = writer.write(new TextEncoder().encode(options.stdin));
      if (options.keepStdinOpen) this.stdin = writer;
      else written.then(() => writer.close()).catch(() => {});
    }
    this.out = new Lines(this.child.stdout, onLine);
    this.err = new Lines(this.child.stderr, () => {});
  }

  /** Every stdout line so far. */
  get lines(): string[] {
    return this.out.lines;
  }

  /** Every stderr line so far. */
  get errorLines(): string[] {
    return this.err.lines;
  }

  /** Resolves when a stdout line passes `test` (within `ms`). */
  waitForLine(test: (line: string) => boolean, ms = 30000, what = "a line"): Promise<void> {
    return within(ms, this.out.waitFor(test), `${what} on stdout`);
  }

  /** Resolves when a stderr line passes `test` (within `ms`). */
  waitForErrorLine(test: (line: string) => boolean, ms = 30000, what = "a line"): Promise<void> {
    return within(ms, this.err.waitFor(test), `${what} on stderr`);
  }

  /** Waits for the exit (within `ms`); returns the status and everything printed. */
  async finished(ms = 30000): Promise<{ code: number; stdout: string; stderr: string }> {
    let status;
    try {
      status = await within(ms, this.child.status, "zmtp exit");
    } catch (err) {
      this.kill("SIGKILL");
      await this.child.status;
      throw err;
    }
    await Promise.all([this.out.done, this.err.done, this.stdin?.close().catch(() => {})]);
    return {
      code: status.code,
      stdout: this.out.lines.map((l) => l + "\n").join(""),
      stderr: this.err.lines.join("\n"),
    };
  }

  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  stop(signal: Deno.Signal = "SIGTERM"): Promise<{ code: number; stdout: string; stderr: string }> {
    this.kill(signal);
    return this.finished();
  }

  /** Sends a signal, if the process still runs. */
  kill(signal: Deno.Signal): void {
    try {
      this.child.kill(signal);
    } catch { /* already exited */ }
  }
}

/** Runs `zmtp <args>` to completion; returns the exit status and output. */
export function runCli(
  args: string[],
  options: CliOptions = {},
  ms = 30000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new CliProcess(args, options).finished(ms);
}

/** Decodes bytes as UTF-8. */
export function decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
