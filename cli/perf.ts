/**
 * `zmtp perf thr|lat local|remote`: the two halves of libzmq's
 * `local_thr`/`remote_thr` (PUSH → PULL throughput) and
 * `local_lat`/`remote_lat` (REQ ↔ REP round trips), measured as libzmq's
 * programs measure them, plus percentiles.
 *
 * @module
 */

import { Pull, Push, Reply, Request, type SocketBase } from "../mod.ts";
import {
  attach,
  type Command,
  type Endpoints,
  EXIT_OK,
  numberFlag,
  parseFlags,
  setup,
  shutdownSignal,
  texts,
  UsageError,
  writeAll,
  writeLine,
} from "./common.ts";

const USAGE = `zmtp perf: measure throughput or latency (libzmq's perf tools)

Usage:
  zmtp perf thr local  ENDPOINT [--size BYTES] [--count N]   # local_thr: PULL, binds
  zmtp perf thr remote ENDPOINT [--size BYTES] [--count N]   # remote_thr: PUSH, connects
  zmtp perf lat local  ENDPOINT [--size BYTES] [--count N]   # local_lat: REP, binds
  zmtp perf lat remote ENDPOINT [--size BYTES] [--count N]   # remote_lat: REQ, connects

Start the local half, then the remote half with the same size and count.
thr: the local half times N messages from the first one's arrival and
prints messages/s and MB/s. lat: the remote half times N round trips and
prints p50 and p99 (µs per round trip) and libzmq's "average latency" (half
a round trip). Either half works with libzmq's own programs.

Options:
  --size BYTES               message size; default 64
  --count N                  messages (thr) or round trips (lat); default
                             1000000 (thr) or 10000 (lat)
  --bind ENDPOINT, --connect ENDPOINT
                             instead of the positional ENDPOINT, to reverse the
                             usual roles (repeatable)
  --hwm N                    high-water mark, messages; default 1000
  -h, --help                 show this help and exit

On a terminal a progress line is updated while it runs (not when stdout is a
file or a pipe). Both halves end with a summary on stdout:
  thr: 1000000 messages of 64 B in 0.29 s: 3448276 msg/s, 220.7 MB/s
  lat: 10000 round trips of 64 B: p50 95.1 µs, p99 180.4 µs, mean 101.3 µs
`;

/** What a run measures, from the command line. */
interface Run {
  test: "thr" | "lat";
  role: "local" | "remote";
  endpoints: Endpoints;
  size: number;
  count: number;
  hwm: number;
}

function parseRun(args: string[]): Run | "help" {
  const { values, positionals } = parseFlags(args, {
    size: { type: "string" },
    count: { type: "string" },
    bind: { type: "string", multiple: true },
    connect: { type: "string", multiple: true },
    hwm: { type: "string" },
  }, true);
  if (values.help) return "help";
  const [test, role, endpoint, ...extra] = positionals;
  if (test !== "thr" && test !== "lat") {
    throw new UsageError(`the first argument is thr or lat, got ${test ? `"${test}"` : "nothing"}`);
  }
  if (role !== "local" && role !== "remote") {
    throw new UsageError(
      `after ${test} comes local or remote, got ${role ? `"${role}"` : "nothing"}`,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const endpoints = { bind: texts(values.bind), connect: texts(values.connect) };
  if (endpoint !== undefined) endpoints[role === "local" ? "bind" : "connect"].push(endpoint);
  if (endpoints.bind.length + endpoints.connect.length === 0) {
    throw new UsageError("no endpoint: give one after local/remote, or --bind/--connect");
  }
  return {
    test,
    role,
    endpoints,
    size: numberFlag(values.size, "--size", 64, { integer: true }),
    count: numberFlag(values.count, "--count", test === "thr" ? 1_000_000 : 10_000, {
      min: 1,
      integer: true,
    }),
    hwm: numberFlag(values.hwm, "--hwm", 1000, { integer: true }),
  };
}

/**
 * A progress line, redrawn in place, only when stdout is a terminal;
 * `finish` leaves its last state on screen and moves to the next line.
 */
class Progress {
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private last = "";

  constructor(private readonly describe: () => string, every = 200) {
    if (!Deno.stdout.isTerminal()) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), every);
  }

  private draw(): void {
    const line = this.describe();
    if (line === this.last) return;
    this.last = line;
    writeAll(Deno.stdout, new TextEncoder().encode(`\r\x1b[K${line}`));
  }

  finish(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.last = "";
    this.draw();
    writeAll(Deno.stdout, new TextEncoder().encode("\n"));
  }
}

const rate = (n: number, seconds: number) => (seconds > 0 ? n / seconds : 0);

function checkSize(msg: Uint8Array[], size: number): void {
  if (msg.length === 1 && msg[0].length === size) return;
  const got = msg.reduce((sum, frame) => sum + frame.length, 0);
  throw new Error(
    `message of incorrect size received: ${got} B in ${msg.length} frame(s), expected ${size} B`,
  );
}

/** local_thr: receives `count` messages, timed from the first one's arrival. */
async function throughputLocal(
  socket: SocketBase,
  run: Run,
  signal: AbortSignal,
): Promise<boolean> {
  let received = 0;
  let start = 0;
  const progress = new Progress(() => {
    const seconds = start === 0 ? 0 : (performance.now() - start) / 1000;
    return `thr: ${received}/${run.count} messages, ${Math.round(rate(received, seconds))} msg/s`;
  });
  try {
    const options = { signal };
    checkSize(await socket.receive(options), run.size);
    start = performance.now();
    for (received = 1; received < run.count; received++) {
      checkSize(await socket.receive(options), run.size);
    }
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  } finally {
    progress.finish();
  }
  const seconds = Math.max(performance.now() - start, 0.001) / 1000;
  const perSecond = run.count / seconds;
  writeLine(`message size: ${run.size} [B]`);
  writeLine(`message count: ${run.count}`);
  writeLine(`mean throughput: ${Math.floor(perSecond)} [msg/s]`);
  writeLine(`mean throughput: ${(perSecond * run.size * 8 / 1e6).toFixed(3)} [Mb/s]`);
  writeLine(
    `thr: ${run.count} messages of ${run.size} B in ${seconds.toFixed(3)} s: ` +
      `${Math.round(perSecond)} msg/s, ${(perSecond * run.size / 1e6).toFixed(1)} MB/s`,
  );
  return true;
}

/** remote_thr: sends `count` messages as fast as the queue takes them. */
async function throughputRemote(
  socket: SocketBase,
  run: Run,
  signal: AbortSignal,
): Promise<boolean> {
  // One payload for every message: the library neither copies nor changes it.
  const payload = new Uint8Array(run.size);
  let sent = 0;
  const progress = new Progress(() => `thr: ${sent}/${run.count} messages queued`);
  try {
    const options = { signal };
    for (; sent < run.count; sent++) await socket.send(payload, options);
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  } finally {
    progress.finish();
  }
  writeLine(`thr: ${run.count} messages of ${run.size} B queued; delivering them before exit`);
  return true;
}

/** local_lat: echoes `count` messages. */
async function latencyLocal(socket: SocketBase, run: Run, signal: AbortSignal): Promise<boolean> {
  let echoed = 0;
  const progress = new Progress(() => `lat: ${echoed}/${run.count} round trips`);
  try {
    for (; echoed < run.count; echoed++) {
      const msg = await socket.receive({ signal });
      checkSize(msg, run.size);
      await socket.send(msg);
    }
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  } finally {
    progress.finish();
  }
  writeLine(`lat: ${run.count} round trips of ${run.size} B echoed`);
  return true;
}

/** remote_lat: `count` timed round trips. */
async function latencyRemote(socket: SocketBase, run: Run, signal: AbortSignal): Promise<boolean> {
  const payload = new Uint8Array(run.size);
  const times = new Float64Array(run.count);
  let done = 0;
  const progress = new Progress(() => `lat: ${done}/${run.count} round trips`);
  const start = performance.now();
  try {
    for (; done < run.count; done++) {
      const sent = performance.now();
      await socket.send(payload, { signal });
      checkSize(await socket.receive({ signal }), run.size);
      times[done] = performance.now() - sent;
    }
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  } finally {
    progress.finish();
  }
  const elapsedUs = (performance.now() - start) * 1000;
  times.sort();
  const percentile = (p: number) =>
    times[Math.min(run.count - 1, Math.floor(run.count * p))] * 1000;
  const mean = elapsedUs / run.count;
  writeLine(`message size: ${run.size} [B]`);
  writeLine(`roundtrip count: ${run.count}`);
  writeLine(`average latency: ${(mean / 2).toFixed(3)} [us]`);
  writeLine(
    `lat: ${run.count} round trips of ${run.size} B: p50 ${percentile(0.5).toFixed(1)} µs, ` +
      `p99 ${percentile(0.99).toFixed(1)} µs, mean ${mean.toFixed(1)} µs`,
  );
  return true;
}

type Measure = (socket: SocketBase, run: Run, signal: AbortSignal) => Promise<boolean>;

/** Each half: its socket (as libzmq's program has it) and what it measures. */
const HALVES: Record<Run["test"], Record<Run["role"], [() => SocketBase, Measure]>> = {
  thr: { local: [() => new Pull(), throughputLocal], remote: [() => new Push(), throughputRemote] },
  lat: { local: [() => new Reply(), latencyLocal], remote: [() => new Request(), latencyRemote] },
};

async function main(args: string[]): Promise<number> {
  const run = parseRun(args);
  if (run === "help") {
    writeLine(USAGE);
    return EXIT_OK;
  }
  const [create, measure] = HALVES[run.test][run.role];
  const socket = await setup("socket options", create);
  socket.sendHighWaterMark = run.hwm;
  socket.receiveHighWaterMark = run.hwm;
  const shutdown = shutdownSignal();
  try {
    await attach(socket, run.endpoints, () => {});
    await measure(socket, run, shutdown.signal);
  } finally {
    shutdown.dispose();
    socket.close(); // the remote thr half delivers what it queued before the process ends
  }
  return EXIT_OK;
}

/** The `perf` subcommand. */
export const perf: Command = {
  name: "perf",
  summary: "perf thr|lat local|remote: libzmq's local_thr/remote_thr, local_lat/remote_lat",
  usage: USAGE,
  run: main,
};
