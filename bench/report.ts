/**
 * Benchmark results: the rows bench/main.ts measures, the targets checked
 * against them, and their Markdown and JSON forms.
 *
 * @module
 */

/** The suites of the benchmark. */
export type Suite =
  | "push-pull"
  | "curve"
  | "handshake"
  | "pub-sub"
  | "latency"
  | "memory"
  | "connections";

/** One implementation in one case: several runs, the median and the spread. */
export interface Row {
  suite: Suite;
  transport: string;
  /** Message size in bytes. */
  size: number;
  /** PUB→SUB: number of subscribers. */
  subscribers?: number;
  /** Latency: `reqrep` or `dealerrouter`. */
  pattern?: string;
  /** CURVE and handshake suites: `null` or `curve`. */
  mechanism?: string;
  implementation: string;
  /** `zmtp`, `zeromq.js`, `libzmq` or `floor`. */
  key: string;
  /** Unit of `runs`/`median`/`min`/`max`: `msgs/s`, `us` (p50) or `MB` (RSS). */
  unit: string;
  runs: number[];
  median: number;
  min: number;
  max: number;
  /** Throughput: payload MB/s (10^6) of the median run. */
  megabytesPerSecond?: number;
  /**
   * Throughput: CPU time (µs, user and system) the measuring process spent
   * per message in the median run, where the program reports it (the Deno
   * and Node programs): the work done, which a loaded machine disturbs less
   * than the rate. Connections (pub): the publishing process's CPU time per
   * peer per message sent to all (the median round).
   */
  cpuUsPerMessage?: number;
  /** Latency: p90, p99 and p99.9 of the median run (by p50), microseconds. */
  p90?: number;
  p99?: number;
  p999?: number;
  /** Connections: how many idle peers, the JS heap per connection, accepts/s, delivery to all. */
  connections?: number;
  heapKilobytesPerConnection?: number;
  acceptedPerSecond?: number;
  /** Connections (pub): one message to every peer, µs until the last had it: the median round, its spread, the rounds. */
  deliveryUs?: number;
  deliveryMinUs?: number;
  deliveryMaxUs?: number;
  deliveryRounds?: number;
  /** Memory: messages that were queued, and the JS heap in MB. */
  queued?: number;
  heapMegabytes?: number;
  /** How many times better than zeromq.js in the same case (rate ratio; for latency, its p50 over ours). */
  ratio?: number;
}

/** A row that could not be measured, and why. */
export interface Skip {
  what: string;
  reason: string;
}

/** One target of the issue, checked against the rows. */
export interface Target {
  name: string;
  /** The measured value (a ratio, or MB for memory). */
  value: number | null;
  /** The goal, e.g. `≥ 5` or `< 200 MB`. */
  goal: string;
  met: boolean | null;
}

/** Everything one run produced. */
export interface Results {
  date: string;
  command: string;
  machine: Record<string, string | number>;
  settings: Record<string, number | string | boolean>;
  loadBefore: number[];
  loadAfter: number[];
  seconds: number;
  rows: Row[];
  skipped: Skip[];
  targets: Target[];
}

/** Median and spread of run values. */
export function summarize(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/** Fills in `ratio` for every row that has a zeromq.js counterpart in the same case. */
export function addRatios(rows: Row[]): void {
  for (const row of rows) {
    const ref = rows.find((r) => r.key === "zeromq.js" && sameCase(r, row));
    if (ref === undefined || row.suite === "memory") continue;
    row.ratio = row.suite === "latency" ? ref.median / row.median : row.median / ref.median;
  }
}

/** Same suite, transport, size and case parameters. */
export function sameCase(a: Row, b: Row): boolean {
  return a.suite === b.suite && a.transport === b.transport && a.size === b.size &&
    a.subscribers === b.subscribers && a.pattern === b.pattern && a.mechanism === b.mechanism &&
    a.connections === b.connections;
}

/** Human size: `64 B`, `1 KiB`, `1 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

function n(value: number, digits = 0): string {
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function rate(value: number): string {
  return n(Math.round(value));
}

function spread(row: Row, format: (v: number) => string): string {
  return row.runs.length > 1 ? `${format(row.min)} – ${format(row.max)}` : "(1 run)";
}

function ratio(row: Row): string {
  return row.ratio === undefined ? "" : `${row.ratio.toFixed(2)}×`;
}

function table(header: string[], align: string[], lines: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${align.join(" | ")} |`,
    ...lines.map((l) => `| ${l.join(" | ")} |`),
  ].join("\n");
}

/** The Markdown tables, one per suite present. */
export function markdownTables(rows: Row[]): string {
  const out: string[] = [];
  const thr = rows.filter((r) => r.suite === "push-pull");
  if (thr.length > 0) {
    out.push(
      "### PUSH→PULL throughput",
      "",
      table(
        [
          "transport",
          "size",
          "implementation",
          "msgs/s (median)",
          "spread (min – max)",
          "MB/s",
          "× zeromq.js",
        ],
        ["---", "--:", "---", "--:", "--:", "--:", "--:"],
        thr.map((r) => [
          r.transport,
          formatSize(r.size),
          r.implementation,
          rate(r.median),
          spread(r, rate),
          n(r.megabytesPerSecond ?? 0, 1),
          ratio(r),
        ]),
      ),
      "",
    );
  }
  const curve = rows.filter((r) => r.suite === "curve");
  if (curve.length > 0) {
    out.push(
      "### CURVE next to NULL (PUSH→PULL, tcp)",
      "",
      table(
        [
          "mechanism",
          "size",
          "implementation",
          "msgs/s (median)",
          "spread (min – max)",
          "MB/s",
          "× zeromq.js",
          "CURVE ÷ NULL",
        ],
        ["---", "--:", "---", "--:", "--:", "--:", "--:", "--:"],
        curve.map((r) => {
          const plain = rows.find((p) =>
            p.suite === "push-pull" && p.transport === "tcp" && p.size === r.size && p.key === r.key
          );
          return [
            r.mechanism === "curve" ? "CURVE" : "NULL",
            formatSize(r.size),
            r.implementation,
            rate(r.median),
            spread(r, rate),
            n(r.megabytesPerSecond ?? 0, 1),
            ratio(r),
            plain === undefined ? "" : (r.median / plain.median).toFixed(3),
          ];
        }),
      ),
      "",
    );
  }
  const hs = rows.filter((r) => r.suite === "handshake");
  if (hs.length > 0) {
    out.push(
      "### Handshakes (tcp: a new REQ connects, one 64 B round trip, closes)",
      "",
      table(
        [
          "mechanism",
          "implementation",
          "handshakes/s (median)",
          "spread (min – max)",
          "× zeromq.js",
          "× libzmq C",
        ],
        ["---", "---", "--:", "--:", "--:", "--:"],
        hs.map((r) => {
          const c = rows.find((o) => o.key === "libzmq" && sameCase(o, r));
          return [
            r.mechanism === "curve" ? "CURVE" : "NULL",
            r.implementation,
            rate(r.median),
            spread(r, rate),
            ratio(r),
            c === undefined ? "" : `${(r.median / c.median).toFixed(2)}×`,
          ];
        }),
      ),
      "",
    );
  }
  const fan = rows.filter((r) => r.suite === "pub-sub");
  if (fan.length > 0) {
    out.push(
      "### PUB→SUB fan-out (tcp, half the subscribers match)",
      "",
      table(
        [
          "subscribers",
          "size",
          "implementation",
          "delivered msgs/s (median)",
          "spread (min – max)",
          "× zeromq.js",
        ],
        ["--:", "--:", "---", "--:", "--:", "--:"],
        fan.map((r) => [
          String(r.subscribers),
          formatSize(r.size),
          r.implementation,
          rate(r.median),
          spread(r, rate),
          ratio(r),
        ]),
      ),
      "",
    );
  }
  const lat = rows.filter((r) => r.suite === "latency");
  if (lat.length > 0) {
    const us = (v: number) => n(v, 1);
    out.push(
      "### Round-trip latency (tcp, one request in flight)",
      "",
      table(
        [
          "pattern",
          "size",
          "implementation",
          "p50 µs (median)",
          "p50 spread",
          "p90 µs",
          "p99 µs",
          "p99.9 µs",
          "× zeromq.js (p50, higher is faster)",
        ],
        ["---", "--:", "---", "--:", "--:", "--:", "--:", "--:", "--:"],
        lat.map((r) => [
          r.pattern === "dealerrouter" ? "DEALER/ROUTER" : "REQ/REP",
          formatSize(r.size),
          r.implementation,
          us(r.median),
          spread(r, us),
          r.p90 === undefined ? "" : us(r.p90),
          us(r.p99 ?? 0),
          r.p999 === undefined ? "" : us(r.p999),
          ratio(r),
        ]),
      ),
      "",
    );
  }
  const mem = rows.filter((r) => r.suite === "memory");
  if (mem.length > 0) {
    out.push(
      "### Stalled consumer (PULL with no receive high-water mark, never reading; tcp)",
      "",
      table(
        ["implementation", "size", "messages queued", "RSS MB", "JS heap MB"],
        ["---", "--:", "--:", "--:", "--:"],
        mem.map((r) => [
          r.implementation,
          formatSize(r.size),
          n(r.queued ?? 0),
          n(r.median, 1),
          n(r.heapMegabytes ?? 0, 1),
        ]),
      ),
      "",
    );
  }
  const conns = rows.filter((r) => r.suite === "connections");
  if (conns.length > 0) {
    out.push(
      "### Many connections (idle libzmq peers in other processes, tcp)",
      "",
      table(
        [
          "socket",
          "peers",
          "implementation",
          "RSS KB per connection",
          "JS heap KB per connection",
          "accepted/s",
          "one message to all, ms (median)",
          "spread (min – max)",
          "publisher CPU µs per peer",
        ],
        ["---", "--:", "---", "--:", "--:", "--:", "--:", "--:", "--:"],
        conns.map((r) => [
          r.pattern === "pub" ? "XPUB (as PUB)" : "ROUTER",
          n(r.connections ?? 0),
          r.implementation,
          n(r.median, 1),
          r.heapKilobytesPerConnection === undefined ? "" : n(r.heapKilobytesPerConnection, 1),
          rate(r.acceptedPerSecond ?? 0),
          r.deliveryUs === undefined ? "" : n(r.deliveryUs / 1000, 1),
          r.deliveryMinUs === undefined || r.deliveryMaxUs === undefined
            ? ""
            : `${n(r.deliveryMinUs / 1000, 1)} – ${n(r.deliveryMaxUs / 1000, 1)}`,
          r.cpuUsPerMessage === undefined ? "" : n(r.cpuUsPerMessage, 2),
        ]),
      ),
      "",
    );
  }
  return out.join("\n");
}

/** The targets as a Markdown table. */
export function markdownTargets(targets: Target[]): string {
  return table(
    ["target", "measured", "goal", "met"],
    ["---", "--:", "---", "---"],
    targets.map((t) => [
      t.name,
      t.value === null
        ? "not measured"
        : t.goal.endsWith("MB") || t.goal.endsWith("µs") || t.goal.endsWith("KB")
        ? n(t.value, 1)
        : `${t.value.toFixed(2)}×`,
      t.goal,
      t.met === null ? "—" : t.met ? "yes" : "**no**",
    ]),
  );
}
