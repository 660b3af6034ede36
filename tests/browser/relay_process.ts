/** The pub/sub relay program as a subprocess, for the browser tests. */

const root = new URL("../../", import.meta.url);

/** How the relay (`zmtp relay`) is started: `deno run <RELAY_COMMAND> <flags>`. */
export const RELAY_COMMAND: string[] = [new URL("cli/main.ts", root).pathname, "relay"];

/** A running relay with the endpoints it reported. */
export class Relay {
  /** Where publishers send, as the relay reported it. */
  frontend = "";
  /** Where subscribers connect, as the relay reported it. */
  backend = "";
  /** Every stdout line so far. */
  readonly lines: string[] = [];
  private readonly ready = Promise.withResolvers<void>();
  private readonly reading: Promise<void>;

  private constructor(private readonly child: Deno.ChildProcess) {
    this.reading = this.read();
  }

  /**
   * Starts the relay with `flags` (read access is for wss certificate
   * files) and waits, at most 30 s, until it says it is ready.
   */
  static async start(flags: string[]): Promise<Relay> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", "--allow-read", ...RELAY_COMMAND, ...flags],
      cwd: root.pathname,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const relay = new Relay(child);
    const timer = setTimeout(() => relay.ready.reject(new Error("relay not ready in 30 s")), 30000);
    try {
      await relay.ready.promise;
    } catch (err) {
      const { stderr } = await relay.stop();
      throw new Error(`${(err as Error).message}\n${relay.lines.join("\n")}\n${stderr}`);
    } finally {
      clearTimeout(timer);
    }
    return relay;
  }

  private async read(): Promise<void> {
    let buffer = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.lines.push(line);
        const listening = line.match(/^(frontend|backend)\b.* listening on (\S+)$/);
        if (listening) this[listening[1] as "frontend" | "backend"] = listening[2];
        if (line === "relay ready") this.ready.resolve();
      }
    }
    this.ready.reject(new Error("relay exited before it was ready"));
  }

  /** Stops it with SIGTERM (SIGKILL after 10 s) and returns its exit code and stderr. */
  async stop(): Promise<{ code: number; stderr: string }> {
    const stderr = new Response(this.child.stderr).text();
    try {
      this.child.kill("SIGTERM");
    } catch { /* already exited */ }
    const timer = setTimeout(() => {
      try {
        this.child.kill("SIGKILL");
      } catch { /* exited */ }
    }, 10000);
    const status = await this.child.status;
    clearTimeout(timer);
    await this.reading;
    return { code: status.code, stderr: await stderr };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
