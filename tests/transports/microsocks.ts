/**
 * Debian's `microsocks` SOCKS5 server as a subprocess for the SOCKS tests.
 * `.ci/run` installs it; where it is missing the tests skip, saying so.
 */

import { delay } from "../helpers.ts";

/** Where microsocks is, or null. */
export const microsocksPath: string | null = (() => {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/microsocks`).isFile) return `${dir}/microsocks`;
    } catch { /* not here */ }
  }
  return null;
})();

/** Appended to a test name when microsocks is missing. */
export const microsocksNote = microsocksPath === null
  ? " (skipped: microsocks not installed; apt-get install microsocks)"
  : "";

/** A free loopback tcp port (nothing listens on it when this returns). */
export function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** A running microsocks. */
export interface Microsocks extends AsyncDisposable {
  readonly port: number;
  /** `127.0.0.1:port`, as `socksProxy` takes it. */
  readonly address: string;
  /** Kills the server (its proxied connections drop with it). */
  stop(): Promise<void>;
}

/** Starts microsocks on `port` (default: a free one), with user/password auth when given. */
export async function startMicrosocks(
  options: { port?: number; username?: string; password?: string } = {},
): Promise<Microsocks> {
  const port = options.port ?? freePort();
  const args = ["-i", "127.0.0.1", "-p", String(port)];
  if (options.username !== undefined) args.push("-u", options.username, "-P", options.password!);
  const child = new Deno.Command(microsocksPath!, { args, stdout: "null", stderr: "null" }).spawn();
  await untilListening(port);
  let stopped: Promise<void> | null = null;
  const stop = () => {
    if (stopped === null) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      stopped = child.status.then(() => {});
    }
    return stopped;
  };
  return { port, address: `127.0.0.1:${port}`, stop, [Symbol.asyncDispose]: stop };
}

async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await delay(10);
    }
  }
  throw new Error(`microsocks did not listen on ${port} within 2 s`);
}
