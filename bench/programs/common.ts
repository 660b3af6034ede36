/**
 * What the Deno benchmark programs share: their flags, the measuring window
 * and the JSON lines they speak to bench/main.ts (see bench/protocol.ts).
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";

/** Flags every measured program understands (each uses the ones it needs). */
export interface ProgramFlags {
  /** `receiver`/`sender` (throughput), `server`/`client` (latency, fan-out), `inproc`. */
  role: string;
  endpoint: string;
  size: number;
  /** Milliseconds of traffic before the window opens (JIT, TCP and caches warm up). */
  warmupMs: number;
  /** Milliseconds the window stays open. */
  durationMs: number;
  /** `null` or `curve`. */
  mechanism: string;
  /** Latency: `reqrep` or `dealerrouter`. */
  pattern: string;
  /** Fan-out: how many subscribers. */
  subscribers: number;
  /** Stalled consumer: how many messages to queue; connections: how many peers. */
  count: number;
  /** Connections (pub): how many messages to deliver to all peers, one after the other. */
  rounds: number;
  /** Connections (pub): milliseconds between those messages. */
  gapMs: number;
  /** The floor of the connections suite: how it writes (`conn` or `node`). */
  way: string;
}

/**
 * `--exit-after MS` (profiling): the program exits cleanly after MS ms, so
 * that `deno run --cpu-prof` writes its profile (a killed process writes none).
 */
export function exitAfter(args: string[]): void {
  const at = args.indexOf("--exit-after");
  if (at < 0) return;
  setTimeout(() => Deno.exit(0), Number(args[at + 1]));
}

/** Parses the flags of bench/protocol.ts. */
export function parseFlags(args: string[]): ProgramFlags {
  exitAfter(args);
  const { values } = parseArgs({
    args,
    options: {
      "exit-after": { type: "string" },
      role: { type: "string", default: "" },
      endpoint: { type: "string", default: "" },
      size: { type: "string", default: "64" },
      warmup: { type: "string", default: "200" },
      duration: { type: "string", default: "1000" },
      mechanism: { type: "string", default: "null" },
      pattern: { type: "string", default: "reqrep" },
      subscribers: { type: "string", default: "1" },
      count: { type: "string", default: "0" },
      rounds: { type: "string", default: "1" },
      gap: { type: "string", default: "0" },
      way: { type: "string", default: "conn" },
    },
  });
  return {
    role: values.role,
    endpoint: values.endpoint,
    size: Number(values.size),
    warmupMs: Number(values.warmup),
    durationMs: Number(values.duration),
    mechanism: values.mechanism,
    pattern: values.pattern,
    subscribers: Number(values.subscribers),
    count: Number(values.count),
    rounds: Number(values.rounds),
    gapMs: Number(values.gap),
    way: values.way,
  };
}

/** Prints one JSON line for bench/main.ts. */
export function say(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

/**
 * How often (in messages) a receive loop looks at the clock: rarely for small
 * messages, where a clock read would cost a noticeable share of a message,
 * and every message once messages are large.
 */
export function checkEvery(size: number): number {
  if (size < 1024) return 1024;
  if (size < 16 * 1024) return 64;
  return 1;
}

/**
 * The measuring window. The loop calls {@link check} with its running
 * message count every {@link checkEvery} messages; the window opens at the
 * first check after the warm-up and closes at the first check after the
 * duration, so it starts and ends on a message boundary.
 */
export class Window {
  private firstAt = -1;
  private openAt = -1;
  private openCount = 0;
  private openCpu = 0;
  /** Messages inside the window, once closed. */
  messages = 0;
  /** Seconds the window lasted, once closed. */
  seconds = 0;
  /** CPU time (user and system, µs) this process spent in the window, once closed. */
  cpuUs = 0;

  constructor(private readonly warmupMs: number, private readonly durationMs: number) {}

  /** True once the window has closed. */
  check(count: number): boolean {
    const now = performance.now();
    if (this.openAt < 0) {
      if (this.firstAt < 0) this.firstAt = now;
      if (now - this.firstAt >= this.warmupMs) {
        this.openAt = now;
        this.openCount = count;
        this.openCpu = cpuNow();
      }
      return false;
    }
    if (now - this.openAt < this.durationMs) return false;
    this.messages = count - this.openCount;
    this.seconds = (now - this.openAt) / 1000;
    this.cpuUs = cpuNow() - this.openCpu;
    return true;
  }

  /** The throughput result line for `size`-byte messages. */
  result(size: number): Record<string, unknown> {
    return {
      result: {
        messages: this.messages,
        seconds: this.seconds,
        bytes: this.messages * size,
        cpuUs: this.cpuUs,
      },
    };
  }
}

/**
 * The publishing rounds of a connections-suite server: `rounds` times, sends
 * its send time (microseconds since the epoch, as text) to every peer with
 * `send`, then pauses `gapMs`. Returns the median over the rounds of this
 * process's CPU time from a send to the end of its pause, per peer.
 */
export async function publishRounds(
  rounds: number,
  gapMs: number,
  peers: number,
  send: (text: string) => Promise<void>,
): Promise<number> {
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = cpuNow();
    await send(String(Math.round((performance.timeOrigin + performance.now()) * 1000)));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    cpu.push(cpuNow() - before);
  }
  cpu.sort((a, b) => a - b);
  return cpu[Math.floor((cpu.length - 1) / 2)] / peers;
}

/** CPU time this process has used, user and system, in µs (a measure a loaded machine disturbs less). */
function cpuNow(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Throws unless a received message is one frame of `size` bytes. */
export function expectSize(msg: Uint8Array[], size: number): void {
  if (msg.length !== 1 || msg[0].length !== size) {
    throw new Error(`got ${msg.length} frame(s) of ${msg[0]?.length} bytes, expected ${size}`);
  }
}

/** p50, p90, p99 and p99.9 of round-trip times in microseconds. */
export function percentiles(samplesUs: number[]): Record<string, number> {
  const sorted = Float64Array.from(samplesUs).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), samples: sorted.length };
}
