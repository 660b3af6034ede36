/**
 * Private networks for the epgm tests: network namespaces made by the test
 * itself (as root), each peer in its own with an address 10.77.0.N on a
 * bridge in a hub namespace, no route out, and nft dropping a share of the
 * datagrams. Multicast and these addresses never touch a real interface.
 * Each peer gets its own namespace because OpenPGM binds its port with
 * SO_REUSEPORT only and Deno with SO_REUSEADDR only: they cannot share a
 * port on one host.
 */

const decoder = new TextDecoder();

async function run(cmd: string, args: string[], input?: string): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const out = await child.output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${decoder.decode(out.stderr).trim()}`);
  }
  return decoder.decode(out.stdout);
}

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Why the epgm interop tests cannot run here, or null when they can. */
export async function pgmSkipReason(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "network namespaces need Linux";
  if (Deno.uid() !== 0) return "making network namespaces needs root";
  if (!await succeeds("ip", ["-V"])) return "iproute2 (ip) is not installed";
  if (!await succeeds("nft", ["--version"])) return "nftables (nft) is not installed";
  if (!await succeeds("/usr/bin/python3", ["-c", "import zmq; assert zmq.has('pgm')"])) {
    return "Debian's python3-zmq with PGM (apt-get install python3-zmq) is not installed";
  }
  return null;
}

let counter = 0;

/** A hub namespace with a bridge, and one namespace per peer on it. */
export class PgmNet {
  readonly #tag: string;
  readonly peers: string[] = [];
  #hub: string;

  private constructor(tag: string) {
    this.#tag = tag;
    this.#hub = `${tag}-hub`;
  }

  /** The address of peer `i` (0-based). */
  address(i: number): string {
    return `10.77.0.${i + 1}`;
  }

  static async create(count: number): Promise<PgmNet> {
    const net = new PgmNet(`zpgm${Deno.pid}-${counter++}`);
    try {
      await net.#setUp(count);
    } catch (err) {
      await net.close();
      throw err;
    }
    return net;
  }

  async #setUp(count: number): Promise<void> {
    const hub = this.#hub;
    await run("ip", ["netns", "add", hub]);
    await run("ip", ["-n", hub, "link", "set", "lo", "up"]);
    await run("ip", ["-n", hub, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"]);
    await run("ip", ["-n", hub, "link", "set", "br0", "up"]);
    for (let i = 0; i < count; i++) {
      const ns = `${this.#tag}-${i}`;
      await run("ip", ["netns", "add", ns]);
      this.peers.push(ns);
      await run("ip", ["-n", ns, "link", "set", "lo", "up"]);
      await run("ip", [
        "-n",
        hub,
        "link",
        "add",
        `v${i}`,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        ns,
      ]);
      await run("ip", ["-n", hub, "link", "set", `v${i}`, "master", "br0", "up"]);
      await run("ip", ["-n", ns, "addr", "add", `${this.address(i)}/24`, "dev", "eth0"]);
      await run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    }
  }

  /**
   * Drops one datagram in `modulo` (at random) arriving at peer `i` on
   * `port`: data into a receiver, NAKs and SPMRs into a source.
   */
  async setLoss(i: number, port: number, modulo: number): Promise<void> {
    await run(
      "ip",
      ["netns", "exec", this.peers[i], "nft", "-f", "-"],
      [
        "table inet pgmloss {",
        "  chain input {",
        "    type filter hook input priority 0;",
        `    udp dport ${port} numgen random mod ${modulo} == 0 counter drop`,
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  }

  /** Datagrams peer `i` dropped on purpose so far. */
  async dropped(i: number): Promise<number> {
    const rules = await run("ip", ["netns", "exec", this.peers[i], "nft", "list", "ruleset"]);
    return Number(/packets (\d+)/.exec(rules)?.[1] ?? 0);
  }

  /** Starts `cmd` inside peer `i`'s namespace. */
  spawn(i: number, cmd: string, args: string[]): Deno.ChildProcess {
    return new Deno.Command("ip", {
      args: ["netns", "exec", this.peers[i], cmd, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  }

  async close(): Promise<void> {
    for (const ns of this.peers) await run("ip", ["netns", "del", ns]).catch(() => {});
    await run("ip", ["netns", "del", this.#hub]).catch(() => {});
  }
}

/** Lines of a child's stdout, one at a time. */
export async function* lines(child: Deno.ChildProcess): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
  if (buffer) yield buffer;
}
