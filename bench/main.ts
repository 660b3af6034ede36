/**
 * `deno task bench`: this library against zeromq.js 6.8.0 (libzmq 4.3.5 in
 * Node), libzmq's C API and a no-ZeroMQ floor, in one run on one machine.
 *
 * Every case measures each implementation in turn, `--runs` times over
 * (alternating, so a change in the machine's load hits all of them), and
 * reports the median run with the spread. Each run is a fresh set of
 * processes: sender and receiver apart (except inproc), traffic for a
 * warm-up, then a fixed measuring window (see bench/programs/common.ts).
 *
 * A full run writes bench/RESULTS.md and bench/results/latest.json.
 *
 * @module
 */

import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  buildLibzmqC,
  buildRuntimeRows,
  connectionsLaunch,
  DELIVERY_ROUNDS,
  floor,
  freshFloor,
  type Implementation,
  type Kind,
  rawConnectionsServer,
  type Work,
  zeromqJs,
  zmtp,
  zmtpAccept,
  zmtpConnectionsServer,
} from "./implementations.ts";
import { chartsOf } from "./charts.ts";
import { runLaunch } from "./protocol.ts";
import {
  addRatios,
  formatSize,
  markdownTables,
  markdownTargets,
  type Results,
  type Row,
  type Skip,
  type Suite,
  summarize,
  type Target,
} from "./report.ts";

const USAGE = `Usage: deno task bench [options]

Throughput, fan-out, latency, CURVE and memory of this library next to
zeromq.js 6.8.0 (Node), libzmq's C API (where libzmq3-dev and cc are
installed) and a raw Deno socket floor. A full run takes about 9 minutes on
2 cores and writes bench/RESULTS.md and bench/results/latest.json.

  --quick            tcp PUSH→PULL at 64 B and 64 KiB, this library and
                     zeromq.js only, shorter windows (well under a minute)
  --sizes LIST       PUSH→PULL message sizes (default 64,1KiB,64KiB,1MiB)
  --transport LIST   PUSH→PULL transports (default tcp,ipc,inproc,ws; ws at
                     64 B and 64 KiB unless --sizes is given)
  --suites LIST      push-pull,curve,handshake,pub-sub,latency,memory,
                     connections (default all)
  --runs N           runs per implementation and case; median and spread
                     reported (default 3)
  --warmup MS        traffic before each measuring window (default 200)
  --duration MS      length of each measuring window (default 1000)
  --count N          messages queued in the memory case (default 1000000)
  --json PATH        also write the results as JSON to PATH
  --render PATH      measure nothing: rewrite bench/RESULTS.md and the charts
                     from the results JSON of an earlier full run
  --help             this text

Only a full run (no --quick, no selection) rewrites bench/RESULTS.md and
bench/results/latest.json.
`;

const ALL_SUITES: Suite[] = [
  "push-pull",
  "curve",
  "handshake",
  "pub-sub",
  "latency",
  "memory",
  "connections",
];
/** Peers of the connections suite. */
const PEERS = [1000, 10_000];
const ALL_SIZES = [64, 1024, 64 * 1024, 1024 * 1024];
const ALL_TRANSPORTS = ["tcp", "ipc", "inproc", "ws"] as const;
/** ws rows in a full run: the sizes issue 13 asks for. */
const WS_SIZES = [64, 64 * 1024];
const SUBSCRIBERS = [1, 10, 100];
/** Message sizes from which PUSH→PULL cases also measure the fresh-memory floor. */
const LARGE = 64 * 1024;
const root = new URL("../", import.meta.url).pathname;

interface Settings {
  quick: boolean;
  suites: Suite[];
  sizes: number[];
  transports: ("tcp" | "ipc" | "inproc" | "ws")[];
  runs: number;
  warmupMs: number;
  durationMs: number;
  count: number;
  json: string | undefined;
  /** A results JSON to render instead of measuring. */
  render: string | undefined;
  /** True when nothing was selected or shortened: the run may replace RESULTS.md. */
  full: boolean;
  /** True when --sizes chose the sizes (ws then uses them too). */
  sizesGiven: boolean;
}

function parseSettings(args: string[]): Settings | null {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: "boolean", short: "h" },
      quick: { type: "boolean" },
      sizes: { type: "string" },
      transport: { type: "string" },
      suites: { type: "string" },
      runs: { type: "string" },
      warmup: { type: "string" },
      duration: { type: "string" },
      count: { type: "string" },
      json: { type: "string" },
      render: { type: "string" },
    },
  });
  if (values.help) return null;
  const quick = values.quick ?? false;
  const settings: Settings = {
    quick,
    suites: values.suites !== undefined
      ? list(values.suites, (s) => {
        if (!ALL_SUITES.includes(s as Suite)) throw new Error(`unknown suite ${s}`);
        return s as Suite;
      })
      : quick
      ? ["push-pull"]
      : ALL_SUITES,
    sizes: values.sizes !== undefined
      ? list(values.sizes, parseSize)
      : quick
      ? [64, 65536]
      : ALL_SIZES,
    transports: values.transport !== undefined
      ? list(values.transport, (t) => {
        if (!(ALL_TRANSPORTS as readonly string[]).includes(t)) {
          throw new Error(`unknown transport ${t}`);
        }
        return t as "tcp" | "ipc" | "inproc" | "ws";
      })
      : quick
      ? ["tcp"]
      : [...ALL_TRANSPORTS],
    runs: positive(values.runs ?? "3", "--runs"),
    warmupMs: positive(values.warmup ?? (quick ? "150" : "200"), "--warmup"),
    durationMs: positive(values.duration ?? (quick ? "500" : "1000"), "--duration"),
    count: positive(values.count ?? "1000000", "--count"),
    json: values.json,
    render: values.render,
    full: false,
    sizesGiven: values.sizes !== undefined,
  };
  settings.full = !quick && values.sizes === undefined && values.transport === undefined &&
    values.suites === undefined && values.runs === undefined && values.warmup === undefined &&
    values.duration === undefined && values.count === undefined;
  return settings;
}

function list<T>(text: string, parse: (item: string) => T): T[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "").map(parse);
}

/** `64`, `64B`, `1KiB`, `64k`, `1MiB`, `1m` → bytes. */
function parseSize(text: string): number {
  const match = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(text);
  if (match === null) throw new Error(`not a size: ${text}`);
  const unit = (match[2] ?? "b").toLowerCase()[0];
  return Number(match[1]) * (unit === "k" ? 1024 : unit === "m" ? 1024 * 1024 : 1);
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${flag} needs a positive number`);
  return value;
}

/** One case of a suite: the work and the implementations that take part. */
interface Case {
  suite: Suite;
  kind: Kind;
  work: Work;
  implementations: Implementation[];
  label: string;
}

function planCases(
  settings: Settings,
  c: Implementation | null,
  runtimes: Implementation[] = [],
): Case[] {
  const cases: Case[] = [];
  const base = { warmupMs: settings.warmupMs, durationMs: settings.durationMs, endpoint: "" };
  const quickImpls = [zmtp, zeromqJs];
  const withC = (
    impls: Implementation[],
  ) => (c !== null && !settings.quick ? [...impls, c] : impls);
  if (settings.suites.includes("push-pull")) {
    for (const transport of settings.transports) {
      // ws: 64 B and 64 KiB unless --sizes says otherwise.
      const sizes = transport === "ws" && !settings.sizesGiven ? WS_SIZES : settings.sizes;
      for (const size of sizes) {
        // Large messages: the floor again with fresh memory per message (the
        // bound for a library, which hands each message out); ipc gets floors there too.
        const floors = size >= LARGE ? [floor, freshFloor] : [floor];
        const impls = settings.quick
          ? quickImpls
          : transport === "tcp"
          ? withC([zmtp, ...runtimes, zeromqJs, ...floors])
          : transport === "ws" // Debian's libzmq (the C rows) is built without ws
          ? [zmtp, ...runtimes, zmtpAccept, zeromqJs]
          : transport === "ipc" && size >= LARGE
          ? withC([zmtp, zeromqJs, ...floors])
          : withC([zmtp, zeromqJs]);
        cases.push({
          suite: "push-pull",
          kind: "throughput",
          work: { ...base, transport, size },
          implementations: impls,
          label: `PUSH→PULL ${transport} ${formatSize(size)}`,
        });
      }
    }
  }
  if (settings.suites.includes("curve")) {
    for (const size of settings.sizes) {
      cases.push({
        suite: "curve",
        kind: "throughput",
        work: { ...base, transport: "tcp", size, mechanism: "curve" },
        implementations: withC([zmtp, zeromqJs]),
        label: `CURVE PUSH→PULL tcp ${formatSize(size)}`,
      });
    }
  }
  if (settings.suites.includes("handshake")) {
    for (const mechanism of ["null", "curve"] as const) {
      cases.push({
        suite: "handshake",
        kind: "handshake",
        work: { ...base, transport: "tcp", size: 64, mechanism, pattern: "handshake" },
        implementations: withC([zmtp, zeromqJs]),
        label: `${mechanism.toUpperCase()} handshakes (REQ connect, one round trip, close) tcp`,
      });
    }
  }
  if (settings.suites.includes("pub-sub")) {
    for (const subscribers of SUBSCRIBERS) {
      cases.push({
        suite: "pub-sub",
        kind: "fanout",
        work: { ...base, transport: "tcp", size: 64, subscribers },
        implementations: [zmtp, zeromqJs],
        label: `PUB→SUB tcp ${subscribers} subscriber(s)`,
      });
    }
  }
  if (settings.suites.includes("latency")) {
    for (const pattern of ["reqrep", "dealerrouter"] as const) {
      cases.push({
        suite: "latency",
        kind: "latency",
        work: { ...base, transport: "tcp", size: 64, pattern },
        implementations: withC([zmtp, ...runtimes, zeromqJs]),
        label: `${pattern === "reqrep" ? "REQ/REP" : "DEALER/ROUTER"} latency tcp 64 B`,
      });
    }
  }
  if (settings.suites.includes("memory")) {
    cases.push({
      suite: "memory",
      kind: "memory",
      work: { ...base, transport: "tcp", size: 64, count: settings.count },
      implementations: [zmtp, zeromqJs],
      label: `stalled consumer, ${settings.count} × 64 B queued`,
    });
  }
  if (settings.suites.includes("connections") && c !== null && !settings.quick) {
    // The peers are libzmq's (bench/c/conns.c) whichever library serves.
    const zmtpServer: Implementation = {
      ...zmtp,
      launch: { connections: connectionsLaunch(zmtpConnectionsServer, `${c.binDir}/conns`) },
    };
    // The floors under delivery to all: the same peers served by hand-written ZMTP (PUB only),
    // with Deno.Conn.write (what this library uses) and with node:net's write.
    const floorServer = (way: "conn" | "node", key: string, name: string): Implementation => ({
      ...floor,
      key,
      name,
      launch: { connections: connectionsLaunch(rawConnectionsServer(way), `${c.binDir}/conns`) },
    });
    const floors = [
      floorServer("conn", "floor", "floor: raw Deno.Conn.write"),
      floorServer("node", "floor-node", "floor: raw node:net write"),
    ];
    for (const pattern of ["pub", "router"] as const) {
      for (const count of PEERS) {
        cases.push({
          suite: "connections",
          kind: "connections",
          work: { ...base, transport: "tcp", size: 0, pattern, count },
          implementations: pattern === "pub" ? [zmtpServer, ...floors, c] : [zmtpServer, c],
          label: `${count} idle peers on one ${pattern === "pub" ? "Publisher" : "Router"}`,
        });
      }
    }
  }
  return cases;
}

let ipcDir = "";
let ipcCounter = 0;

function endpointFor(work: Work): string {
  if (work.transport === "tcp") return "tcp://127.0.0.1:*";
  if (work.transport === "ipc") return `ipc://${ipcDir}/s${ipcCounter++}.sock`;
  if (work.transport === "ws") return "ws://127.0.0.1:*/bench";
  return "";
}

/** Runs a case: each implementation in turn, `runs` times; one row per implementation. */
async function runCase(item: Case, runs: number, log: (line: string) => void): Promise<Row[]> {
  const values = new Map<Implementation, Record<string, number>[]>();
  const measured = item.kind === "memory" || item.kind === "connections" ? 1 : runs;
  for (let run = 0; run < measured; run++) {
    for (const impl of item.implementations) {
      const launch = impl.launch[item.kind];
      if (launch === undefined) continue;
      const work = { ...item.work, endpoint: endpointFor(item.work) };
      const timeout = work.warmupMs + work.durationMs +
        (item.kind === "connections" ? 180_000 : 30_000);
      const result = await runLaunch(launch(work), timeout);
      const list = values.get(impl) ?? [];
      list.push(result);
      values.set(impl, list);
      log(`  ${impl.name.padEnd(26)} run ${run + 1}: ${describeResult(item.kind, result)}`);
    }
  }
  const rows: Row[] = [];
  for (const [impl, results] of values) rows.push(toRow(item, impl, results));
  return rows;
}

function describeResult(kind: Kind, r: Record<string, number>): string {
  if (kind === "latency") {
    return `p50 ${r.p50.toFixed(1)} µs, p90 ${r.p90.toFixed(1)}, p99 ${r.p99.toFixed(1)}, ` +
      `p99.9 ${r.p999.toFixed(1)} µs`;
  }
  if (kind === "handshake") return `${Math.round(r.messages / r.seconds)} handshakes/s`;
  if (kind === "connections") {
    const ms = (us: number) => (us / 1000).toFixed(1);
    return `RSS ${(r.rssBytesPerConnection / 1000).toFixed(1)} KB per connection, ` +
      `${Math.round(r.acceptedPerSecond)} accepted/s` +
      (r.deliveryUs === undefined
        ? ""
        : `, one message delivered to all in ${ms(r.deliveryUs)} ms ` +
          `(median of ${r.deliveryRounds}, ${ms(r.deliveryMinUs)}–${ms(r.deliveryMaxUs)}), ` +
          `${r.cpuUsPerConnection?.toFixed(2)} µs CPU per peer`);
  }
  if (kind === "memory") return `RSS ${(r.rssBytes / 1e6).toFixed(1)} MB, ${r.queued} queued`;
  const cpu = r.cpuUs === undefined ? "" : `, ${(r.cpuUs / r.messages).toFixed(2)} µs CPU/msg`;
  return `${Math.round(r.messages / r.seconds).toLocaleString("en-US")} msgs/s${cpu}`;
}

function toRow(item: Case, impl: Implementation, results: Record<string, number>[]): Row {
  const row: Row = {
    suite: item.suite,
    transport: item.work.transport,
    size: item.work.size,
    implementation: impl.name,
    key: impl.key,
    unit: "msgs/s",
    runs: [],
    median: 0,
    min: 0,
    max: 0,
  };
  if (item.work.subscribers !== undefined) row.subscribers = item.work.subscribers;
  if (item.work.pattern !== undefined) row.pattern = item.work.pattern;
  if (item.suite === "curve" || item.suite === "handshake") row.mechanism = item.work.mechanism;
  if (item.kind === "latency") {
    row.unit = "us";
    row.runs = results.map((r) => r.p50);
    Object.assign(row, summarize(row.runs));
    const median = results[row.runs.indexOf(row.median)];
    row.p90 = median.p90;
    row.p99 = median.p99;
    row.p999 = median.p999;
  } else if (item.kind === "connections") {
    const r = results[0];
    row.unit = "KB";
    row.runs = [r.rssBytesPerConnection / 1000];
    Object.assign(row, summarize(row.runs));
    row.connections = item.work.count;
    row.pattern = item.work.pattern;
    if (r.heapBytesPerConnection !== undefined) {
      row.heapKilobytesPerConnection = r.heapBytesPerConnection / 1000;
    }
    row.acceptedPerSecond = r.acceptedPerSecond;
    if (r.deliveryUs !== undefined) {
      row.deliveryUs = r.deliveryUs;
      row.deliveryMinUs = r.deliveryMinUs;
      row.deliveryMaxUs = r.deliveryMaxUs;
      row.deliveryRounds = r.deliveryRounds;
      if (r.cpuUsPerConnection !== undefined) row.cpuUsPerMessage = r.cpuUsPerConnection;
    }
  } else if (item.kind === "memory") {
    row.unit = "MB";
    row.runs = results.map((r) => r.rssBytes / 1e6);
    Object.assign(row, summarize(row.runs));
    row.queued = results[0].queued;
    row.heapMegabytes = results[0].heapBytes / 1e6;
  } else {
    row.runs = results.map((r) => r.messages / r.seconds);
    Object.assign(row, summarize(row.runs));
    const median = results[row.runs.indexOf(row.median)];
    row.megabytesPerSecond = median.bytes / median.seconds / 1e6;
    if (median.cpuUs !== undefined) row.cpuUsPerMessage = median.cpuUs / median.messages;
  }
  return row;
}

function checkTargets(rows: Row[]): Target[] {
  const find = (suite: Suite, key: string, extra: Partial<Row>) =>
    rows.find((r) =>
      r.suite === suite && r.key === key &&
      Object.entries(extra).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v)
    );
  const ratio = (a: Row | undefined, b: Row | undefined, lowerIsBetter = false) =>
    a === undefined || b === undefined
      ? null
      : lowerIsBetter
      ? b.median / a.median
      : a.median / b.median;
  const target = (
    name: string,
    value: number | null,
    goal: string,
    ok: (v: number) => boolean,
  ) => ({
    name,
    value,
    goal,
    met: value === null ? null : ok(value),
  });
  const thr = (key: string, transport: string, size: number) =>
    find("push-pull", key, { transport, size });
  const targets: Target[] = [
    target(
      "tcp 64 B: zmtp ÷ zeromq.js",
      ratio(thr("zmtp", "tcp", 64), thr("zeromq.js", "tcp", 64)),
      "≥ 5",
      (v) => v >= 5,
    ),
    target(
      "tcp 64 B: zmtp ÷ libzmq C",
      ratio(thr("zmtp", "tcp", 64), thr("libzmq", "tcp", 64)),
      "≥ 0.5",
      (v) => v >= 0.5,
    ),
  ];
  for (const size of [1024, 65536, 1 << 20]) {
    targets.push(target(
      `tcp ${formatSize(size)}: zmtp ÷ zeromq.js`,
      ratio(thr("zmtp", "tcp", size), thr("zeromq.js", "tcp", size)),
      "≥ 1.0",
      (v) => v >= 1,
    ));
  }
  // Issue 19: this library on Node against zeromq.js (also on Node).
  for (const [size, goal] of [[64, 5], [65536, 1]] as const) {
    targets.push(target(
      `Node tcp ${formatSize(size)}: zmtp (Node) ÷ zeromq.js`,
      ratio(thr("zmtp-node", "tcp", size), thr("zeromq.js", "tcp", size)),
      `≥ ${goal.toFixed(1)}`,
      (v) => v >= goal,
    ));
  }
  targets.push(target(
    "Node REQ/REP p50: zeromq.js ÷ zmtp (Node)",
    ratio(
      find("latency", "zmtp-node", { pattern: "reqrep" }),
      find("latency", "zeromq.js", { pattern: "reqrep" }),
      true,
    ),
    "≥ 1.0 (p50 ≤ zeromq.js)",
    (v) => v >= 1,
  ));
  for (const pattern of ["reqrep", "dealerrouter"]) {
    targets.push(target(
      `${pattern === "reqrep" ? "REQ/REP" : "DEALER/ROUTER"} p50: zeromq.js ÷ zmtp`,
      ratio(find("latency", "zmtp", { pattern }), find("latency", "zeromq.js", { pattern }), true),
      "≥ 1.0 (p50 ≤ zeromq.js)",
      (v) => v >= 1,
    ));
  }
  targets.push(target(
    "ws 64 B: zmtp ÷ zeromq.js (both over ws)",
    ratio(thr("zmtp", "ws", 64), thr("zeromq.js", "ws", 64)),
    "≥ 5",
    (v) => v >= 5,
  ));
  targets.push(target(
    "64 B: zmtp ws ÷ zmtp tcp",
    ratio(thr("zmtp", "ws", 64), thr("zmtp", "tcp", 64)),
    "≥ 0.5",
    (v) => v >= 0.5,
  ));
  for (const size of [64, 65536]) {
    targets.push(target(
      `ws ${formatSize(size)} bind: own framing over Deno.listen ÷ Deno.upgradeWebSocket`,
      ratio(thr("zmtp", "ws", size), thr("zmtp-accept", "ws", size)),
      "≥ 1 (the bind keeps the faster)",
      (v) => v >= 1,
    ));
  }
  targets.push(target(
    "64 B: zmtp inproc ÷ zmtp tcp",
    ratio(thr("zmtp", "inproc", 64), thr("zmtp", "tcp", 64)),
    "≥ 3",
    (v) => v >= 3,
  ));
  targets.push(target(
    "PUB→SUB 100 subscribers: zmtp ÷ zeromq.js",
    ratio(
      find("pub-sub", "zmtp", { subscribers: 100 }),
      find("pub-sub", "zeromq.js", { subscribers: 100 }),
    ),
    "≥ 1.0",
    (v) => v >= 1,
  ));
  targets.push(...issue17Targets(find, target));
  const memory = find("memory", "zmtp", {});
  targets.push({
    name: `stalled consumer, ${memory?.queued ?? "1,000,000"} × 64 B queued: zmtp RSS`,
    value: memory?.median ?? null,
    goal: "< 200 MB",
    met: memory === undefined ? null : memory.median < 200 && (memory.queued ?? 0) >= 1_000_000,
  });
  return targets;
}

/** Issue 17's targets: CURVE, tail latency, large messages (each a ratio within this run). */
function issue17Targets(
  find: (suite: Suite, key: string, extra: Partial<Row>) => Row | undefined,
  target: (name: string, value: number | null, goal: string, ok: (v: number) => boolean) => Target,
): Target[] {
  const over = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? null : a / b;
  const targets: Target[] = [];
  for (const size of [64, 1024, 65536, 1 << 20]) {
    const zmtp = find("curve", "zmtp", { size });
    targets.push(target(
      `#17 CURVE ${formatSize(size)}: zmtp ÷ zeromq.js`,
      over(zmtp?.median, find("curve", "zeromq.js", { size })?.median),
      "≥ 1.0",
      (v) => v >= 1,
    ));
    if (size === 64 || size === 65536) {
      targets.push(target(
        `#17 CURVE ${formatSize(size)}: zmtp ÷ libzmq C`,
        over(zmtp?.median, find("curve", "libzmq", { size })?.median),
        "≥ 0.5",
        (v) => v >= 0.5,
      ));
    }
  }
  targets.push({
    name: "#17 CURVE handshakes/s: zmtp ÷ libzmq C",
    value: over(
      find("handshake", "zmtp", { mechanism: "curve" })?.median,
      find("handshake", "libzmq", { mechanism: "curve" })?.median,
    ),
    goal: "reported",
    met: null,
  });
  for (const pattern of ["reqrep", "dealerrouter"]) {
    const name = pattern === "reqrep" ? "REQ/REP" : "DEALER/ROUTER";
    const zmtp = find("latency", "zmtp", { pattern });
    const c = find("latency", "libzmq", { pattern });
    targets.push(target(
      `#17 ${name} p99: zmtp ÷ libzmq C`,
      over(zmtp?.p99, c?.p99),
      "≤ 1.5",
      (v) => v <= 1.5,
    ));
    targets.push(target(
      `#17 ${name} p50: zmtp ÷ libzmq C`,
      over(zmtp?.median, c?.median),
      "≤ 1.0",
      (v) => v <= 1,
    ));
  }
  const reported = (name: string, value: number | null): Target => ({
    name,
    value,
    goal: "reported",
    met: null,
  });
  for (const pattern of ["pub", "router"]) {
    for (const connections of PEERS) {
      const zmtp = find("connections", "zmtp", { pattern, connections });
      const c = find("connections", "libzmq", { pattern, connections });
      const what = `${connections.toLocaleString("en-US")} idle peers on a ${
        pattern === "pub" ? "PUB" : "ROUTER"
      }`;
      targets.push(target(
        `#17 ${what}: RSS per connection, zmtp ÷ libzmq C`,
        over(zmtp?.median, c?.median),
        "≤ 2.0",
        (v) => v <= 2,
      ));
      if (pattern === "pub") {
        const floor = find("connections", "floor", { pattern, connections });
        const nodeFloor = find("connections", "floor-node", { pattern, connections });
        targets.push(target(
          `#17 ${what}: time to deliver one message to all, zmtp ÷ libzmq C`,
          over(zmtp?.deliveryUs, c?.deliveryUs),
          "≤ 1.0",
          (v) => v <= 1,
        ));
        // The bound: Deno's own writes, one per connection, to the same peers.
        targets.push(reported(
          `#17 ${what}: time to deliver one message to all, Deno raw write floor ÷ libzmq C`,
          over(floor?.deliveryUs, c?.deliveryUs),
        ));
        targets.push(reported(
          `#17 ${what}: time to deliver one message to all, zmtp ÷ Deno raw write floor`,
          over(zmtp?.deliveryUs, floor?.deliveryUs),
        ));
        targets.push(reported(
          `#17 ${what}: time to deliver one message to all, node:net raw write floor ÷ libzmq C`,
          over(nodeFloor?.deliveryUs, c?.deliveryUs),
        ));
      }
    }
  }
  for (const size of [65536, 1 << 20]) {
    const large = (key: string, transport: string) =>
      find("push-pull", key, { transport, size })?.median;
    for (const transport of ["tcp", "ipc"]) {
      const at = `#17 ${transport} ${formatSize(size)}`;
      // The bounds: what fresh memory per message costs any library, and libzmq's own ratio.
      targets.push(reported(
        `${at}: floor with fresh memory ÷ raw floor (the bound)`,
        over(large("floor-fresh", transport), large("floor", transport)),
      ));
      targets.push(reported(
        `${at}: zmtp ÷ floor with fresh memory`,
        over(large("zmtp", transport), large("floor-fresh", transport)),
      ));
      targets.push(reported(
        `${at}: libzmq C ÷ raw floor`,
        over(large("libzmq", transport), large("floor", transport)),
      ));
    }
    targets.push(target(
      `#17 tcp ${formatSize(size)}: zmtp ÷ raw floor`,
      over(
        find("push-pull", "zmtp", { transport: "tcp", size })?.median,
        find("push-pull", "floor", { transport: "tcp", size })?.median,
      ),
      "≥ 0.9",
      (v) => v >= 0.9,
    ));
    targets.push(target(
      `#17 ipc ${formatSize(size)}: zmtp ÷ zeromq.js`,
      over(
        find("push-pull", "zmtp", { transport: "ipc", size })?.median,
        find("push-pull", "zeromq.js", { transport: "ipc", size })?.median,
      ),
      "≥ 1.0",
      (v) => v >= 1,
    ));
  }
  return targets;
}

async function machine(libzmqVersion: string | null): Promise<Record<string, string | number>> {
  const text = (cmd: string, args: string[]) =>
    new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output()
      .then((o) => new TextDecoder().decode(o.stdout).trim()).catch(() => "unknown");
  let cpu = "unknown";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.+)/.exec(info)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  return {
    cores: navigator.hardwareConcurrency,
    cpu,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    node: await text("node", ["--version"]),
    zeromqJs: "6.8.0 (libzmq 4.3.5)",
    libzmqC: libzmqVersion ?? "not built",
  };
}

function load(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

/** The charts of a run, as images for RESULTS.md (files written by {@link writeReport}). */
function chartsMarkdown(rows: Row[]): string {
  const charts = chartsOf(rows);
  if (charts.size === 0) return "";
  const images = [...charts].map(([file, chart]) => `![${chart.title}](charts/${file})`);
  return `\n## Charts\n\nEach bar is the median run; hover a bar for its value.\n\n${
    images.join("\n\n")
  }\n`;
}

/** Writes RESULTS.md, latest.json and the charts of a run. */
async function writeReport(results: Results, json: string): Promise<void> {
  await Deno.mkdir(`${root}bench/results`, { recursive: true });
  await Deno.mkdir(`${root}bench/charts`, { recursive: true });
  for (const [file, chart] of chartsOf(results.rows)) {
    await Deno.writeTextFile(`${root}bench/charts/${file}`, chart.svg);
  }
  await Deno.writeTextFile(`${root}bench/results/latest.json`, json);
  await Deno.writeTextFile(`${root}bench/RESULTS.md`, resultsMarkdown(results));
  // Committed files: formatted as `deno fmt --check` expects (table columns padded).
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", "bench/RESULTS.md", "bench/results/latest.json", "bench/charts/"],
    cwd: root,
  }).output();
  console.log("wrote bench/RESULTS.md, bench/results/latest.json and bench/charts/");
}

function resultsMarkdown(results: Results): string {
  const m = results.machine;
  return `# Benchmark results

Written by \`${results.command}\` on ${results.date} (${Math.round(results.seconds)} s).
Do not edit: run the task again. How to read it and what the profile showed: [PROFILE.md](PROFILE.md).

- Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}
- Deno ${m.deno} (V8 ${m.v8}); Node ${m.node} with zeromq.js ${m.zeromqJs}; libzmq C API ${m.libzmqC}
- Load average (1, 5, 15 min) before: ${results.loadBefore.join(", ")}; after: ${
    results.loadAfter.join(", ")
  } (the benchmark's own processes included)
- Each case: every implementation in turn, ${results.settings.runs} runs each, alternating; the
  median run is shown with the spread (slowest – fastest run). A run is fresh processes (sender
  and receiver apart, except inproc), ${results.settings.warmupMs} ms of traffic, then a
  ${results.settings.durationMs} ms measuring window. Messages/s count messages received in the
  window; MB is 10^6 bytes of payload.
- \`× zeromq.js\`: this row's rate divided by zeromq.js's in the same case (for latency, zeromq.js's
  p50 divided by this row's: above 1 is faster).
- inproc hands each message's buffers to the receiver without copying them, so its MB/s is payload
  handed over, not bytes moved; zeromq.js and libzmq copy a message into libzmq's own memory.
- The floor is ZMTP's frame bytes through \`Deno.connect\` with no ZeroMQ: batched writes, one
  reused read buffer (bench/programs/raw_thr.ts); libzmq C is bench/c/ built against the system's
  libzmq (Debian's libzmq3-dev).
- Many connections: the peers are libzmq's (bench/c/conns.c, in other processes). A publisher
  sends ${DELIVERY_ROUNDS} messages to all of them, one after the other with pauses between; "one
  message to all" is the median of their times from sending to arrival at the last peer. Its floors
  serve the same peers with the handshake and message bytes written by hand, one write per
  connection, all started at once: \`Deno.Conn.write\` (what this library uses) and node:net's
  \`socket.write\` (bench/programs/raw_conns.ts). "publisher CPU µs per peer" is the serving
  process's CPU time per peer per message (the median round).

## Targets

${markdownTargets(results.targets)}
${chartsMarkdown(results.rows)}

## Results

${markdownTables(results.rows)}
${
    results.skipped.length === 0
      ? ""
      : `\n### Not measured\n\n${
        results.skipped.map((s) => `- ${s.what}: ${s.reason}`).join("\n")
      }\n`
  }`;
}

async function main(): Promise<void> {
  let settings: Settings | null;
  try {
    settings = parseSettings(Deno.args);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n\n${USAGE}`);
    Deno.exit(2);
  }
  if (settings === null) {
    console.log(USAGE);
    return;
  }
  if (settings.render !== undefined) {
    const results: Results = JSON.parse(await Deno.readTextFile(settings.render));
    results.targets = checkTargets(results.rows);
    await writeReport(results, JSON.stringify(results, null, 2) + "\n");
    return;
  }
  const started = performance.now();
  const loadBefore = load();
  console.log(`load average before: ${loadBefore.join(" ")}`);
  const skipped: Skip[] = [];
  let c: Implementation | null = null;
  let cDir: string | null = null;
  if (!settings.quick) {
    const built = await buildLibzmqC();
    if (typeof built === "string") {
      skipped.push({ what: "libzmq C rows", reason: built });
      console.log(`libzmq C rows skipped: ${built}`);
    } else {
      c = built;
      cDir = built.binDir ?? null;
    }
  }
  let runtimes: Implementation[] = [];
  if (!settings.quick) {
    const built = await buildRuntimeRows();
    runtimes = built.rows;
    for (const reason of built.skips) {
      skipped.push({ what: reason.slice(0, reason.indexOf(":")), reason });
      console.log(`skipped: ${reason}`);
    }
  }
  ipcDir = await Deno.makeTempDir({ prefix: "zmtp-bench-ipc-" });
  const rows: Row[] = [];
  try {
    for (const item of planCases(settings, c, runtimes)) {
      console.log(item.label);
      rows.push(...await runCase(item, settings.runs, (line) => console.log(line)));
    }
  } finally {
    await Deno.remove(ipcDir, { recursive: true }).catch(() => {});
    if (cDir !== null) await Deno.remove(cDir, { recursive: true }).catch(() => {});
  }
  addRatios(rows);
  const loadAfter = load();
  const results: Results = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: `deno task bench${Deno.args.length > 0 ? ` ${Deno.args.join(" ")}` : ""}`,
    machine: await machine(c === null ? null : c.version ?? null),
    settings: {
      quick: settings.quick,
      runs: settings.runs,
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
      count: settings.count,
    },
    loadBefore,
    loadAfter,
    seconds: (performance.now() - started) / 1000,
    rows,
    skipped,
    targets: checkTargets(rows),
  };
  console.log(`\n${markdownTables(rows)}\n${markdownTargets(results.targets)}`);
  console.log(`\nload average after: ${loadAfter.join(" ")}; ${results.seconds.toFixed(0)} s`);
  const json = JSON.stringify(results, null, 2) + "\n";
  if (settings.json !== undefined) await Deno.writeTextFile(settings.json, json);
  if (settings.full) await writeReport(results, json);
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? err.message : err}`);
  Deno.exit(1);
}
