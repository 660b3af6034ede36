/**
 * Where a throughput pair spends its CPU (Linux only; not part of `deno task
 * bench`). Runs one receiver and one sender of bench/programs and reports,
 * per message in the receiver's measuring window: the receiver's CPU on its
 * main thread and on its other threads (V8's GC workers; libzmq's I/O
 * thread for zeromq.js), the sender's CPU, and the receiver's page faults,
 * read from /proc every 50 ms. With `--gc`, a Deno receiver runs with
 * `--trace-gc` and the full (Mark-Compact) collections of its whole run are
 * counted.
 *
 * ```sh
 * deno run -A bench/pair_cpu.ts --impl zmtp --endpoint ipc --size 1048576 --runs 5 --gc
 * ```
 *
 * `--impl`: `zmtp`, `floor`, `fresh` (floor with fresh memory), `zeromq.js`,
 * or `receiver/sender` (e.g. `zmtp/zeromq.js`). `--v8-flags a,b`: V8 flags
 * for the Deno programs (both sides).
 *
 * @module
 */

import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    impl: { type: "string", default: "zmtp" },
    endpoint: { type: "string", default: "ipc" },
    size: { type: "string", default: "1048576" },
    warmup: { type: "string", default: "200" },
    duration: { type: "string", default: "1000" },
    runs: { type: "string", default: "1" },
    gc: { type: "boolean", default: false },
    "v8-flags": { type: "string", default: "" },
  },
});

const programs = new URL("./programs/", import.meta.url).pathname;
const TICKS_PER_SECOND = 100;

/** The command line of one side. */
function command(impl: string, role: "receiver" | "sender", endpoint: string): string[] {
  const flags = [
    "--role",
    role,
    "--endpoint",
    endpoint,
    "--size",
    values.size,
    "--warmup",
    values.warmup,
    "--duration",
    values.duration,
  ];
  if (impl === "zeromq.js") return ["node", `${programs}zeromq_thr.cjs`, ...flags];
  const v8Flags = [
    ...(values.gc && role === "receiver" ? ["--trace-gc"] : []),
    ...values["v8-flags"].split(",").filter((flag) => flag !== ""),
  ];
  const v8 = v8Flags.length > 0 ? [`--v8-flags=${v8Flags.join(",")}`] : [];
  const deno = [Deno.execPath(), "run", "--allow-net", "--allow-read", "--allow-write", ...v8];
  if (impl === "zmtp") return [...deno, `${programs}zmtp_thr.ts`, ...flags];
  if (impl === "floor") return [...deno, `${programs}raw_thr.ts`, ...flags];
  if (impl === "fresh") {
    return [
      ...deno,
      `${programs}raw_thr.ts`,
      ...flags,
      ...(role === "receiver" ? ["--fresh"] : []),
    ];
  }
  throw new Error(`unknown --impl ${impl}`);
}

/** utime + stime (µs) and minor faults of one thread or process, from its stat file. */
function stat(path: string): { cpuUs: number; faults: number } {
  const text = Deno.readTextFileSync(path);
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    cpuUs: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND * 1e6,
    faults: Number(fields[7]),
  };
}

interface Sample {
  at: number;
  receiverMain: number;
  receiverOther: number;
  receiverFaults: number;
  sender: number;
}

function sample(receiver: number, sender: number): Sample {
  let main = 0;
  let other = 0;
  for (const task of Deno.readDirSync(`/proc/${receiver}/task`)) {
    try {
      const { cpuUs } = stat(`/proc/${receiver}/task/${task.name}/stat`);
      if (Number(task.name) === receiver) main += cpuUs;
      else other += cpuUs;
    } catch { /* the thread ended */ }
  }
  return {
    at: performance.now(),
    receiverMain: main,
    receiverOther: other,
    receiverFaults: stat(`/proc/${receiver}/stat`).faults,
    sender: stat(`/proc/${sender}/stat`).cpuUs,
  };
}

/** Reads the receiver's stdout line by line: JSON lines (maybe after trace output) and the rest. */
class Lines {
  private text = "";
  readonly other: string[] = [];
  private readonly reader: ReadableStreamDefaultReader<string>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  async json(): Promise<Record<string, unknown>> {
    for (;;) {
      const newline = this.text.indexOf("\n");
      if (newline >= 0) {
        const line = this.text.slice(0, newline);
        this.text = this.text.slice(newline + 1);
        const at = line.indexOf('{"');
        if (at < 0) {
          this.other.push(line);
          continue;
        }
        this.other.push(line.slice(0, at));
        return JSON.parse(line.slice(at));
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error("the receiver ended without a result");
      this.text += value;
    }
  }

  async rest(): Promise<void> {
    for (;;) {
      const { value, done } = await this.reader.read();
      if (done) break;
      this.text += value;
    }
    this.other.push(...this.text.split("\n"));
  }
}

async function run(): Promise<Record<string, number>> {
  const [receiverImpl, senderImpl = receiverImpl] = values.impl.split("/");
  const endpoint = values.endpoint === "ipc"
    ? `ipc://${Deno.makeTempDirSync()}/s.sock`
    : "tcp://127.0.0.1:0";
  const [rx, ...rxArgs] = command(receiverImpl, "receiver", endpoint);
  const receiver = new Deno.Command(rx, { args: rxArgs, stdout: "piped", stderr: "null" }).spawn();
  const lines = new Lines(receiver.stdout);
  const bound = await lines.json();
  const [tx, ...txArgs] = command(senderImpl, "sender", String(bound.endpoint));
  const sender = new Deno.Command(tx, { args: txArgs, stdout: "null", stderr: "null" }).spawn();
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    try {
      samples.push(sample(receiver.pid, sender.pid));
    } catch { /* a process ended */ }
  }, 50);
  const limit = setTimeout(() => receiver.kill("SIGKILL"), 60_000);
  try {
    const { result } = await lines.json() as {
      result: { messages: number; seconds: number; cpuUs: number };
    };
    clearInterval(timer);
    const last = samples[samples.length - 1];
    // The sample nearest the window's start.
    const want = last.at - result.seconds * 1000;
    const first = samples.reduce((a, b) => Math.abs(b.at - want) < Math.abs(a.at - want) ? b : a);
    const messages = result.messages * (last.at - first.at) / (result.seconds * 1000);
    await lines.rest();
    await receiver.status;
    const perMessage = (a: number, b: number) => Math.round((b - a) / messages * 10) / 10;
    const line: Record<string, number> = {
      msgsPerSecond: Math.round(result.messages / result.seconds),
      receiverCpuUs: Math.round(result.cpuUs / result.messages * 10) / 10,
      receiverMainUs: perMessage(first.receiverMain, last.receiverMain),
      receiverOtherUs: perMessage(first.receiverOther, last.receiverOther),
      senderCpuUs: perMessage(first.sender, last.sender),
      receiverFaults: perMessage(first.receiverFaults, last.receiverFaults),
    };
    if (values.gc && receiverImpl !== "zeromq.js") {
      line.markCompacts = lines.other.filter((l) => l.includes("Mark-Compact")).length;
    }
    return line;
  } finally {
    clearInterval(timer);
    clearTimeout(limit);
    try {
      sender.kill("SIGKILL");
    } catch { /* already ended */ }
    await sender.status;
  }
}

for (let i = 0; i < Number(values.runs); i++) {
  console.log(JSON.stringify({ impl: values.impl, ...await run() }));
}
