/**
 * The transports a pairing test runs over: each gives a fresh endpoint to
 * bind and says how a peer reaches what was bound.
 */

/** One transport under test. */
export interface TransportCase {
  name: string;
  /** False when the machine cannot run it (IPv6 without a loopback address). */
  available: boolean;
  /** A fresh endpoint to bind (ephemeral where the transport has ports). */
  bindEndpoint(): string;
  /** Where a peer connects, given the binder's `lastEndpoint`. */
  connectEndpoint(lastEndpoint: string): string;
}

let counter = 0;
const unique = () => `${Deno.pid}-${++counter}`;

let ipcDirectory: string | null = null;

/** A private directory for ipc socket files, removed when the test process ends. */
export function ipcDir(): string {
  if (ipcDirectory === null) {
    const dir = Deno.makeTempDirSync({ prefix: "zmtp-" });
    ipcDirectory = dir;
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch { /* already gone */ }
    });
  }
  return ipcDirectory;
}

/** True when this machine has an IPv6 loopback address to listen on. */
export const hasIpv6Loopback: boolean = (() => {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
})();

if (!hasIpv6Loopback) {
  console.log("NOTE: no IPv6 loopback (::1) on this machine: the tcp6 cases are skipped");
}

/** tcp over IPv4 and IPv6 loopback, ipc in a temporary directory, ws, inproc. */
export const TRANSPORTS: TransportCase[] = [
  {
    name: "tcp",
    available: true,
    bindEndpoint: () => "tcp://127.0.0.1:*",
    connectEndpoint: (bound) => bound,
  },
  {
    name: "tcp6",
    available: hasIpv6Loopback,
    bindEndpoint: () => "tcp://[::1]:*",
    connectEndpoint: (bound) => bound,
  },
  {
    name: "ipc",
    available: Deno.build.os !== "windows",
    bindEndpoint: () => `ipc://${ipcDir()}/${unique()}.sock`,
    connectEndpoint: (bound) => bound,
  },
  {
    name: "ws",
    available: true,
    bindEndpoint: () => "ws://127.0.0.1:*/zmq",
    connectEndpoint: (bound) => bound,
  },
  {
    name: "inproc",
    available: true,
    bindEndpoint: () => `inproc://pairing-${unique()}`,
    connectEndpoint: (bound) => bound,
  },
];

/** An endpoint of `transport` nobody listens on yet, for connect-before-bind. */
export function unboundEndpoint(transport: TransportCase): string {
  const endpoint = transport.bindEndpoint();
  if (!endpoint.startsWith("tcp://") && !endpoint.startsWith("ws://")) return endpoint;
  const host = endpoint.includes("[") ? "::1" : "127.0.0.1";
  const probe = Deno.listen({ hostname: host, port: 0 });
  const port = probe.addr.port;
  probe.close();
  return endpoint.replace("*", String(port));
}

/**
 * Registers `fn` once per transport, named `<transport>: <name>`; cases the
 * machine cannot run are reported as ignored, and `except` leaves some out.
 */
export function testEachTransport(
  name: string,
  fn: (transport: TransportCase) => Promise<void>,
  options: { except?: string[] } = {},
): void {
  for (const transport of TRANSPORTS) {
    if (options.except?.includes(transport.name)) continue;
    Deno.test({
      name: `${transport.name}: ${name}`,
      ignore: !transport.available,
      fn: () => fn(transport),
    });
  }
}
