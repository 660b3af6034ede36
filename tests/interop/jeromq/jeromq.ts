/**
 * Drives a JeroMQ 0.3.6 peer (ZMTP 2.0 only; Debian's libjeromq-java) from
 * Deno tests: JeroPeer.java runs under `java` (the source launcher, so a
 * JRE is enough) and takes one command per line. Where java or the jar is
 * missing, {@link jeromqMissing} says why and the tests skip.
 */

const here = new URL(".", import.meta.url).pathname;

/** Where Debian puts the JeroMQ jar. */
const JAR = "/usr/share/java/jeromq.jar";

function findOnPath(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch { /* not here */ }
  }
  return null;
}

/** Why the JeroMQ tests cannot run here, or null when they can. */
export const jeromqMissing: string | null = (() => {
  if (findOnPath("java") === null) {
    return "java not installed (apt-get install default-jre-headless)";
  }
  try {
    Deno.statSync(JAR);
  } catch {
    return `${JAR} missing (apt-get install libjeromq-java)`;
  }
  return null;
})();

/** Appended to test names: the reason they are skipped, if they are. */
export const jeromqNote = jeromqMissing === null ? "" : ` (skipped: ${jeromqMissing})`;

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (text: string) =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const utf8 = new TextEncoder();
const toBytes = (frame: Uint8Array | string) =>
  typeof frame === "string" ? utf8.encode(frame) : frame;

/** One JeroMQ socket in the peer process. */
export class JeroSocket {
  constructor(private readonly peer: JeroPeer, readonly id: string) {}

  /** Binds; `tcp://127.0.0.1:*` picks a free port. Resolves to the endpoint. */
  async bind(endpoint: string): Promise<string> {
    return (await this.peer.command(`bind ${this.id} ${endpoint}`)).slice(3);
  }
  async connect(endpoint: string): Promise<void> {
    await this.peer.command(`connect ${this.id} ${endpoint}`);
  }
  async setIdentity(identity: Uint8Array | string): Promise<void> {
    await this.peer.command(`identity ${this.id} ${hex(toBytes(identity))}`);
  }
  async subscribe(prefix: Uint8Array | string): Promise<void> {
    await this.peer.command(`subscribe ${this.id} ${hex(toBytes(prefix))}`);
  }
  async unsubscribe(prefix: Uint8Array | string): Promise<void> {
    await this.peer.command(`unsubscribe ${this.id} ${hex(toBytes(prefix))}`);
  }
  async send(frames: (Uint8Array | string)[]): Promise<void> {
    await this.peer.command(`send ${this.id} ${frames.map((f) => hex(toBytes(f))).join(",")}`);
  }
  /** The next message, or null after `timeoutMs`. */
  async receive(timeoutMs = 5000): Promise<Uint8Array[] | null> {
    const reply = await this.peer.command(`recv ${this.id} ${timeoutMs}`);
    if (reply === "timeout") return null;
    return reply.slice(4).split(",").map(unhex);
  }
  async close(): Promise<void> {
    await this.peer.command(`close ${this.id}`);
  }
}

/** The Java process hosting JeroMQ sockets. */
export class JeroPeer implements AsyncDisposable {
  private nextSocket = 1;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly lines: AsyncIterator<string>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly child: Deno.ChildProcess) {
    this.writer = child.stdin.getWriter();
    this.lines = readLines(child.stdout);
  }

  /** Starts the JVM and waits for it to be ready. */
  static async start(): Promise<JeroPeer> {
    const child = new Deno.Command("java", {
      args: ["-cp", JAR, "JeroPeer.java"],
      cwd: here,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const peer = new JeroPeer(child);
    const first = await peer.nextLine(30000);
    if (first !== "ok ready") throw new Error(`JeroMQ peer did not start: ${first}`);
    return peer;
  }

  /** A new socket of a libzmq type name (`PUSH`, `ROUTER`, …). */
  async socket(type: string): Promise<JeroSocket> {
    const id = `s${this.nextSocket++}`;
    await this.command(`socket ${id} ${type}`);
    return new JeroSocket(this, id);
  }

  /** Sends one command line; resolves with the reply line (rejects on `err`). */
  command(line: string): Promise<string> {
    const run = async () => {
      await this.writer.write(utf8.encode(line + "\n"));
      const reply = await this.nextLine(60000);
      if (reply.startsWith("err")) throw new Error(`JeroMQ: ${reply} (after "${line}")`);
      return reply;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  private async nextLine(timeoutMs: number): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("JeroMQ peer did not answer")), timeoutMs);
    });
    try {
      const next = await Promise.race([this.lines.next(), timeout]);
      if (next.done) throw new Error("JeroMQ peer exited");
      return next.value;
    } finally {
      clearTimeout(timer);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.writer.write(utf8.encode("quit\n"));
      await this.writer.close();
    } catch { /* already gone */ }
    const exited = await Promise.race([
      this.child.status.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000)),
    ]);
    if (!exited) {
      try {
        this.child.kill("SIGKILL");
      } catch { /* already gone */ }
      await this.child.status;
    }
    // Drain stdout so the resource is released.
    while (!(await this.lines.next()).done) { /* discard */ }
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
}
