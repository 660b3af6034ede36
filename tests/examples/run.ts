/** Runs example programs as subprocesses of the test, with the Deno that runs the tests. */

const root = new URL("../../", import.meta.url);

/** A tcp endpoint on a port that was free a moment ago. */
export function freeEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

/** An example program running in its own process. */
export class ExampleProcess {
  private readonly child: Deno.ChildProcess;
  private readonly result: Promise<Deno.CommandOutput>;

  /** Starts `examples/<script>` with `args` and network access to 127.0.0.1 only. */
  constructor(script: string, args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", new URL(`examples/${script}`, root).pathname, ...args],
      cwd: root.pathname,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.result = this.child.output();
  }

  /** Waits for the program to exit on its own; rejects if it failed. Returns its stdout lines. */
  async finished(): Promise<string[]> {
    const { code, stdout, stderr } = await this.result;
    const decoder = new TextDecoder();
    if (code !== 0) throw new Error(`exited with ${code}: ${decoder.decode(stderr)}`);
    return decoder.decode(stdout).trim().split("\n");
  }

  /** Stops a program that runs until killed (a server) and waits for it. */
  async stop(): Promise<void> {
    try {
      this.child.kill("SIGTERM");
    } catch { /* already exited */ }
    await this.result;
  }
}
