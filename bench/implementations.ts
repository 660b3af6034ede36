/**
 * The implementations bench/main.ts compares, and how each is started for
 * each kind of measurement (see bench/protocol.ts for the process protocol).
 *
 * - this library: Deno programs in bench/programs/zmtp_*.ts;
 * - zeromq.js 6.8.0 (libzmq 4.3.5 inside Node): bench/programs/zeromq_*.cjs,
 *   loading ./node_modules/zeromq (`deno install` fills it);
 * - libzmq's C API: bench/c/*.c, compiled at run time where `cc` and
 *   `pkg-config libzmq` exist (Debian: `libzmq3-dev`);
 * - the floor: bench/programs/raw_thr.ts, the same bytes with no ZeroMQ.
 *
 * @module
 */

import type { Argv, Launch } from "./protocol.ts";
import { buildNpm } from "../npm/build.ts";

/** One case to measure; each implementation reads the fields it needs. */
export interface Work {
  transport: "tcp" | "ipc" | "inproc" | "ws";
  /** Where the server binds (tcp port 0 / `*`, or an ipc path); unused for inproc. */
  endpoint: string;
  size: number;
  warmupMs: number;
  durationMs: number;
  mechanism?: "null" | "curve";
  pattern?: "reqrep" | "dealerrouter" | "handshake" | "pub" | "router";
  subscribers?: number;
  count?: number;
}

/** The kinds of measurement. */
export type Kind = "throughput" | "latency" | "fanout" | "memory" | "handshake" | "connections";

/** One implementation: a name and, per kind it supports, how to launch it. */
export interface Implementation {
  name: string;
  /** Short key used in JSON and ratios: `zmtp`, `zeromq.js`, `libzmq`, `floor`. */
  key: string;
  launch: Partial<Record<Kind, (work: Work) => Launch>>;
  /** Library version, where it is found at run time (libzmq C). */
  version?: string;
  /** Directory of built programs, removed after the run (libzmq C). */
  binDir?: string;
}

const programs = "bench/programs/";

function flags(work: Work, role: string, endpoint = work.endpoint): string[] {
  return [
    "--role",
    role,
    "--endpoint",
    endpoint,
    "--size",
    String(work.size),
    "--warmup",
    String(work.warmupMs),
    "--duration",
    String(work.durationMs),
    "--mechanism",
    work.mechanism ?? "null",
    "--pattern",
    work.pattern ?? "reqrep",
    "--subscribers",
    String(work.subscribers ?? 1),
    "--count",
    String(work.count ?? 0),
  ];
}

function deno(program: string, extra: string[] = []): (args: string[]) => Argv {
  return (args) => ({
    command: Deno.execPath(),
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      ...extra,
      program,
      ...args,
    ],
  });
}

function node(program: string, extra: string[] = []): (args: string[]) => Argv {
  return (args) => ({ command: "node", args: [...extra, program, ...args] });
}

/** A server/client pair of one program, or the program alone for inproc. */
function pairOrSolo(
  program: (args: string[]) => Argv,
  server: string,
  client: string,
): (work: Work) => Launch {
  return (work) =>
    work.transport === "inproc" ? { kind: "solo", program: program(flags(work, "inproc")) } : {
      kind: "pair",
      server: program(flags(work, server)),
      client: (endpoint) => program(flags(work, client, endpoint)),
    };
}

function pair(
  program: (args: string[]) => Argv,
  server: string,
  client: string,
): (work: Work) => Launch {
  return (work) => ({
    kind: "pair",
    server: program(flags(work, server)),
    client: (endpoint) => program(flags(work, client, endpoint)),
  });
}

/** This library: Deno processes. */
export const zmtp: Implementation = {
  name: "zmtp (Deno)",
  key: "zmtp",
  launch: {
    throughput: pairOrSolo(deno(`${programs}zmtp_thr.ts`), "receiver", "sender"),
    latency: pair(deno(`${programs}zmtp_lat.ts`), "server", "client"),
    handshake: pair(deno(`${programs}zmtp_lat.ts`), "server", "client"),
    fanout: pair(deno(`${programs}zmtp_fanout.ts`), "server", "client"),
    memory: (work) => ({
      kind: "stall",
      server: deno(`${programs}zmtp_stall.ts`, ["--v8-flags=--expose-gc"])(
        flags(work, "receiver"),
      ),
      client: (endpoint) => deno(`${programs}zmtp_stall.ts`)(flags(work, "sender", endpoint)),
    }),
  },
};

/**
 * This library's ws bind side on the platform's WebSocket: the receiver
 * takes its peers through `Deno.serve` + `acceptWebSocket`
 * (`Deno.upgradeWebSocket`) instead of our own RFC 6455 framing over
 * `Deno.listen`. ws cases only: it shows which bind side is faster.
 */
export const zmtpAccept: Implementation = {
  name: "zmtp, bind via Deno.upgradeWebSocket",
  key: "zmtp-accept",
  launch: {
    throughput: pair(deno(`${programs}zmtp_thr.ts`), "receiver-accept", "sender"),
  },
};

/** zeromq.js 6.8.0: Node processes (inproc: one process, as the inproc transport requires). */
export const zeromqJs: Implementation = {
  name: "zeromq.js 6.8.0 (Node)",
  key: "zeromq.js",
  launch: {
    throughput: pairOrSolo(node(`${programs}zeromq_thr.cjs`), "receiver", "sender"),
    latency: pair(node(`${programs}zeromq_lat.cjs`), "server", "client"),
    handshake: pair(node(`${programs}zeromq_lat.cjs`), "server", "client"),
    fanout: pair(node(`${programs}zeromq_fanout.cjs`), "server", "client"),
    memory: (work) => ({
      kind: "stall",
      server: node(`${programs}zeromq_stall.cjs`, ["--expose-gc"])(flags(work, "receiver")),
      client: (endpoint) => node(`${programs}zeromq_stall.cjs`)(flags(work, "sender", endpoint)),
    }),
  },
};

/**
 * This library on Node or Bun (`command`): the package built into
 * dist/bench-npm/ (see {@link buildRuntimeRows}), tcp, ipc and ws on node:net.
 */
function zmtpOn(runtime: "Node" | "Bun", command: string): Implementation {
  const program = (file: string) => (args: string[]): Argv => ({
    command,
    args: [`${programs}${file}`, ...args],
  });
  return {
    name: `zmtp (${runtime})`,
    key: `zmtp-${runtime.toLowerCase()}`,
    launch: {
      throughput: pairOrSolo(program("zmtp_node_thr.mjs"), "receiver", "sender"),
      latency: pair(program("zmtp_node_lat.mjs"), "server", "client"),
    },
  };
}

/**
 * The Node and Bun rows: builds the package they load (as `deno task
 * build:npm` does, without declarations) and finds the runtimes; a missing
 * one is a skip with its reason.
 */
export async function buildRuntimeRows(): Promise<{ rows: Implementation[]; skips: string[] }> {
  await buildNpm(new URL("../dist/bench-npm/", import.meta.url).pathname, {
    declarations: false,
  });
  const rows: Implementation[] = [];
  const skips: string[] = [];
  // Deno.Command throws (not rejects) for a program that is not there.
  const runs = async (command: string) => {
    try {
      return (await new Deno.Command(command, { args: ["--version"], stdout: "null" }).output())
        .success;
    } catch {
      return false;
    }
  };
  if (await runs("node")) rows.push(zmtpOn("Node", "node"));
  else skips.push("zmtp (Node): no node on PATH");
  const bun = [
    Deno.env.get("BUN") ?? "",
    new URL("../.tools/node_modules/.bin/bun", import.meta.url).pathname,
    "bun",
  ];
  let found = false;
  for (const candidate of bun.filter((c) => c !== "")) {
    if (!await runs(candidate)) continue;
    rows.push(zmtpOn("Bun", candidate));
    found = true;
    break;
  }
  if (!found) skips.push("zmtp (Bun): no bun (npm install --no-save --prefix .tools bun@1.4.4)");
  return { rows, skips };
}

/** The floor: ZMTP's frame bytes through Deno.connect, no ZeroMQ (tcp and ipc). */
export const floor: Implementation = {
  name: "floor: raw Deno socket",
  key: "floor",
  launch: {
    throughput: pair(deno(`${programs}raw_thr.ts`), "receiver", "sender"),
  },
};

/**
 * The floor with every message in fresh memory (raw_thr.ts `--fresh`), as a
 * library must hand them out: what new (zero-filled) buffers cost on top.
 */
export const freshFloor: Implementation = {
  name: "floor, fresh memory per message",
  key: "floor-fresh",
  launch: {
    throughput: (work) => {
      const launch = pair(deno(`${programs}raw_thr.ts`), "receiver", "sender")(work);
      if (launch.kind !== "pair") return launch;
      const server = { ...launch.server, args: [...launch.server.args, "--fresh"] };
      return { ...launch, server };
    },
  },
};

/** Peers per client process of the connections suite (libzmq needs two descriptors a socket). */
const PEERS_PER_CLIENT = 2500;

/**
 * Messages a publisher of the connections suite sends to all its peers, one
 * after the other (the same peers each time); the median is reported.
 */
export const DELIVERY_ROUNDS = 5;

/** The pause between those messages: the slowest delivery seen on a loaded machine, and more. */
export function deliveryGapMs(peers: number): number {
  return 200 + Math.ceil(peers / 10);
}

/** The flags of a Deno server of the connections suite (zmtp_conns.ts, raw_conns.ts). */
export function connectionsServerFlags(work: Work): string[] {
  const count = work.count ?? 1;
  return [
    ...flags(work, "server"),
    "--rounds",
    String(DELIVERY_ROUNDS),
    "--gap",
    String(deliveryGapMs(count)),
  ];
}

/**
 * Runs `argv` with the descriptor limit raised to the hard limit (thousands
 * of connections need thousands of descriptors).
 */
function withDescriptors(argv: Argv): Argv {
  return {
    command: "sh",
    args: [
      "-c",
      'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"',
      "sh",
      argv.command,
      ...argv.args,
    ],
  };
}

/**
 * The connections suite: `server` binds, and bench/c/conns (libzmq) makes
 * the connections from separate processes, whichever library serves.
 */
export function connectionsLaunch(
  server: (work: Work) => Argv,
  connsProgram: string,
): (work: Work) => Launch {
  return (work) => ({
    kind: "fleet",
    server: withDescriptors(server(work)),
    clients: (endpoint) => {
      const total = work.count ?? 1;
      const argvs: Argv[] = [];
      for (let start = 0; start < total; start += PEERS_PER_CLIENT) {
        const peers = Math.min(PEERS_PER_CLIENT, total - start);
        argvs.push(withDescriptors({
          command: connsProgram,
          args: [
            "client",
            endpoint,
            work.pattern ?? "pub",
            String(peers),
            randomLoopback(),
            String(DELIVERY_ROUNDS),
          ],
        }));
      }
      return argvs;
    },
  });
}

/** A random 127.x.y.z source address: fresh ephemeral ports for each client process. */
function randomLoopback(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `127.${1 + a % 254}.${b}.${1 + c % 254}`;
}

/** This library's server for the connections suite. */
export function zmtpConnectionsServer(work: Work): Argv {
  return deno(`${programs}zmtp_conns.ts`, ["--v8-flags=--expose-gc"])(connectionsServerFlags(work));
}

/**
 * The floor's server for the connections suite (PUB only): the same
 * handshakes and message bytes by hand, one write per connection, no ZeroMQ:
 * `Deno.Conn.write` (`conn`, what this library uses) or node:net's (`node`).
 */
export function rawConnectionsServer(way: "conn" | "node"): (work: Work) => Argv {
  return (work) =>
    deno(`${programs}raw_conns.ts`, ["--v8-flags=--expose-gc"])([
      ...connectionsServerFlags(work),
      "--way",
      way,
    ]);
}

/** libzmq's C API through the programs in bench/c/, built into `binDir`. */
export function libzmqC(binDir: string, version: string): Implementation {
  const thr = `${binDir}/thr`;
  const lat = `${binDir}/lat`;
  const conns = `${binDir}/conns`;
  const ms = (work: Work) => [String(work.warmupMs), String(work.durationMs)];
  const curve = (work: Work) => work.mechanism === "curve" ? ["curve"] : [];
  const latPair = (work: Work): Launch => ({
    kind: "pair",
    server: {
      command: lat,
      args: ["server", work.endpoint, work.pattern ?? "reqrep", ...curve(work)],
    },
    client: (endpoint) => ({
      command: lat,
      args: [
        "client",
        endpoint,
        work.pattern ?? "reqrep",
        String(work.size),
        ...ms(work),
        ...curve(work),
      ],
    }),
  });
  return {
    name: `libzmq ${version} (C)`,
    key: "libzmq",
    version,
    binDir,
    launch: {
      throughput: (work) =>
        work.transport === "inproc"
          ? {
            kind: "solo",
            program: { command: thr, args: ["inproc", String(work.size), ...ms(work)] },
          }
          : {
            kind: "pair",
            server: {
              command: thr,
              args: ["receiver", work.endpoint, String(work.size), ...ms(work), ...curve(work)],
            },
            client: (endpoint) => ({
              command: thr,
              args: ["sender", endpoint, String(work.size), ...curve(work)],
            }),
          },
      latency: (work) => latPair(work),
      handshake: (work) => latPair(work),
      connections: connectionsLaunch((work) => ({
        command: conns,
        args: [
          "server",
          work.endpoint,
          work.pattern ?? "pub",
          String(work.count ?? 1),
          String(DELIVERY_ROUNDS),
          String(deliveryGapMs(work.count ?? 1)),
        ],
      }), conns),
    },
  };
}

/**
 * Builds the C programs with `cc` against the system's libzmq. Returns the
 * implementation, or the reason it cannot be built here.
 */
export async function buildLibzmqC(): Promise<Implementation | string> {
  const run = async (command: string, args: string[]) => {
    try {
      const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
        .output();
      return {
        ok: out.success,
        stdout: new TextDecoder().decode(out.stdout).trim(),
        stderr: new TextDecoder().decode(out.stderr).trim(),
      };
    } catch (err) {
      return { ok: false, stdout: "", stderr: err instanceof Error ? err.message : String(err) };
    }
  };
  const version = await run("pkg-config", ["--modversion", "libzmq"]);
  if (!version.ok) {
    return "libzmq's headers were not found (`pkg-config libzmq` failed): install libzmq3-dev";
  }
  const flagsOut = await run("pkg-config", ["--cflags", "--libs", "libzmq"]);
  const binDir = await Deno.makeTempDir({ prefix: "zmtp-bench-c-" });
  const source = new URL("./c/", import.meta.url).pathname;
  for (const program of ["thr", "lat", "conns"]) {
    const built = await run("cc", [
      "-O2",
      "-o",
      `${binDir}/${program}`,
      `${source}${program}.c`,
      ...flagsOut.stdout.split(/\s+/).filter((f) => f !== ""),
      "-lpthread",
    ]);
    if (!built.ok) return `cc could not build bench/c/${program}.c: ${built.stderr.split("\n")[0]}`;
  }
  return libzmqC(binDir, version.stdout);
}
