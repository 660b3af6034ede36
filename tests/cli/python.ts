/** pyzmq (Debian's python3-zmq, libzmq 4.3.4) as a peer of the command-line tool. */

import { within } from "../helpers.ts";

const PYTHON = "/usr/bin/python3";

/** Why pyzmq tests cannot run here, or null when they can. */
export const pyzmqMissing: string | null = (() => {
  try {
    const probe = new Deno.Command(PYTHON, {
      args: ["-c", "import zmq"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return probe.success ? null : "python3-zmq is not installed";
  } catch {
    return `${PYTHON} is not installed`;
  }
})();

/** A test name that says when, and why, the test is skipped. */
export function withPyzmq(name: string): string {
  return pyzmqMissing === null ? name : `${name} (skipped: ${pyzmqMissing})`;
}

/** A Python program using pyzmq, its stdout read line by line. */
export class PythonPeer {
  private readonly child: Deno.ChildProcess;
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = "";

  /** Runs `source` with `python3 -c`; it talks to the test through stdout. */
  constructor(source: string) {
    this.child = new Deno.Command(PYTHON, {
      args: ["-u", "-c", source],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.reader = this.child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next line it prints (within `ms`). */
  async line(ms = 10000): Promise<string> {
    return await within(ms, this.nextLine(), "a line from the Python peer");
  }

  private async nextLine(): Promise<string> {
    for (;;) {
      const newline = this.buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        return line;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error("the Python peer exited");
      this.buffer += value;
    }
  }

  /** Waits for it to exit (killing it after `ms`); returns its status and stderr. */
  async finished(ms = 10000): Promise<{ code: number; stderr: string }> {
    const stderr = new Response(this.child.stderr).text();
    let status;
    try {
      status = await within(ms, this.child.status, "the Python peer's exit");
    } catch (err) {
      this.stop();
      await this.child.status;
      throw err;
    } finally {
      await this.reader.cancel().catch(() => {});
    }
    return { code: status.code, stderr: await stderr };
  }

  /** Ends it now. */
  stop(): void {
    try {
      this.child.kill("SIGKILL");
    } catch { /* already exited */ }
  }
}
