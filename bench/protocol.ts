/**
 * How bench/main.ts runs one measurement: a receiver and a sender, each its
 * own process.
 *
 * Every measured program takes `--endpoint`, `--size` and `--count` and
 * speaks one JSON object per stdout line:
 * - the receiver binds `--endpoint` and prints `{"endpoint": "tcp://…"}`
 *   (the resolved address), then, after `--count` messages,
 *   `{"count": n, "bytes": n, "seconds": s}`, timed from its first message
 *   to its last;
 * - the sender connects to the endpoint it is given, sends `--count`
 *   messages of `--size` bytes and exits.
 *
 * Both processes are killed when the time limit runs out.
 *
 * @module
 */

/** A command line that starts one program. */
export interface ProgramCommand {
  /** Executable: `Deno.execPath()` or `node`. */
  command: string;
  /** Arguments before the protocol flags. */
  args: string[];
}

/** The two programs of one implementation of one pattern. */
export interface Implementation {
  /** Name in the report, e.g. `zmtp (Deno)`. */
  name: string;
  receiver: ProgramCommand;
  sender: ProgramCommand;
}

/** What to measure. */
export interface Workload {
  /** Endpoint the receiver binds (port 0: any free port). */
  endpoint: string;
  size: number;
  count: number;
  /** Give up (and kill both processes) after this many ms. */
  timeoutMs: number;
}

/** One measured run. */
export interface Measurement {
  count: number;
  bytes: number;
  seconds: number;
  /** Messages per second between the first and the last message. */
  messagesPerSecond: number;
  /** Payload megabytes (10^6) per second. */
  megabytesPerSecond: number;
}

const root = new URL("../", import.meta.url).pathname;

/** Runs one receiver/sender pair and returns the receiver's figures. */
export async function measure(impl: Implementation, work: Workload): Promise<Measurement> {
  const flags = (endpoint: string) => [
    "--endpoint",
    endpoint,
    "--size",
    String(work.size),
    "--count",
    String(work.count),
  ];
  const children: Deno.ChildProcess[] = [];
  const timer = setTimeout(() => children.forEach(kill), work.timeoutMs);
  try {
    const receiver = spawn(impl.receiver, flags(work.endpoint));
    children.push(receiver);
    const lines = jsonLines(receiver.stdout);
    const bound = await nextLine(lines, `${impl.name}: receiver stopped before binding`);
    const sender = spawn(impl.sender, flags(String(bound.endpoint)));
    children.push(sender);
    const result = await nextLine(
      lines,
      `${impl.name}: receiver stopped before reporting (it failed, or ran past ${work.timeoutMs} ms)`,
    );
    const [receiverStatus, senderStatus] = await Promise.all([receiver.status, sender.status]);
    if (!receiverStatus.success || !senderStatus.success) {
      throw new Error(
        `${impl.name}: receiver exited with ${receiverStatus.code}, sender with ${senderStatus.code}`,
      );
    }
    const count = Number(result.count);
    const bytes = Number(result.bytes);
    const seconds = Number(result.seconds);
    // Rates count the intervals between the first message and the last.
    const intervals = Math.max(1, count - 1);
    return {
      count,
      bytes,
      seconds,
      messagesPerSecond: intervals / seconds,
      megabytesPerSecond: (bytes * intervals / count) / seconds / 1e6,
    };
  } finally {
    clearTimeout(timer);
    children.forEach(kill);
    await Promise.all(children.map((c) => c.status));
  }
}

function spawn(program: ProgramCommand, flags: string[]): Deno.ChildProcess {
  return new Deno.Command(program.command, {
    args: [...program.args, ...flags],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch { /* already exited */ }
}

async function* jsonLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Record<string, unknown>> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line.startsWith("{")) yield JSON.parse(line);
    }
  }
}

async function nextLine(
  lines: AsyncGenerator<Record<string, unknown>>,
  failure: string,
): Promise<Record<string, unknown>> {
  const { value, done } = await lines.next();
  if (done) throw new Error(failure);
  return value;
}
