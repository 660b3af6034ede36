/** Starts the epgm peer scripts (peer.py: libzmq, peer.ts: this library) in namespaces. */
import { lines, type PgmNet } from "./net.ts";

const here = new URL("./", import.meta.url);
const PYTHON_PEER = new URL("peer.py", here).pathname;
const DENO_PEER = new URL("peer.ts", here).pathname;
export const PORT = 5555;
export const GROUP = "239.192.1.1";

/** libzmq (peer.py) or this library on Deno (peer.ts). */
export type Library = "libzmq" | "this";

/**
 * This library on another runtime: `command` runs a peer script taking the
 * same arguments (tests/node/pgm_peer.mjs on Node or Bun).
 */
export interface PeerCommand {
  name: string;
  command: string[];
}

export interface PeerRun {
  result: Promise<Record<string, number>>;
  kill(): void;
}

/** Starts a peer script in namespace `i`; resolves once it says "ready". */
export async function startPeer(
  net: PgmNet,
  i: number,
  library: Library | PeerCommand,
  role: "pub" | "sub",
  options: Record<string, unknown> & { interfaceName?: string },
): Promise<PeerRun> {
  // Our side may name the interface; libzmq 4.3.4 refuses names (EINVAL).
  const iface = options.interfaceName ?? net.address(i);
  const endpoint = `epgm://${iface};${GROUP}:${PORT}`;
  const args = [role, endpoint, JSON.stringify(options)];
  const child = library === "libzmq"
    ? net.spawn(i, "/usr/bin/python3", [PYTHON_PEER, ...args])
    : library === "this"
    ? net.spawn(i, Deno.execPath(), ["run", "--quiet", "--unstable-net", "-A", DENO_PEER, ...args])
    : net.spawn(i, library.command[0], [...library.command.slice(1), ...args]);
  const name = typeof library === "string" ? library : library.name;
  const stderr = new Response(child.stderr).text();
  const output = lines(child);
  const first = await output.next();
  if (first.value !== "ready") {
    throw new Error(`${name} ${role} did not start: ${first.value ?? ""} ${await stderr}`);
  }
  const result = (async () => {
    for await (const line of output) {
      if (line.startsWith("{")) return JSON.parse(line);
    }
    throw new Error(`${name} ${role} gave no result: ${await stderr}`);
  })();
  const status = child.status;
  return {
    result: result.finally(() => status),
    kill() {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    },
  };
}
