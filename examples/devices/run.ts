/**
 * What the three device examples share: bind both sockets, print where,
 * run `proxy()` until SIGINT/SIGTERM, then print what went through.
 *
 * @module
 */

import process from "node:process";
import { proxy, ProxyStatistics, type SocketBase } from "../../mod.ts";

/**
 * Binds `frontend` and `backend` to the endpoints given on the command line (or the
 * defaults), runs `proxy()` between them until SIGINT or SIGTERM, closes
 * both and prints the counts.
 */
export async function runDevice(
  name: string,
  frontend: SocketBase,
  backend: SocketBase,
  defaults: [string, string],
): Promise<void> {
  const [frontendEndpoint = defaults[0], backendEndpoint = defaults[1]] = process.argv.slice(2);
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);
  console.log(`${name}: frontend ${frontend.lastEndpoint}, backend ${backend.lastEndpoint}`);

  const stop = new AbortController();
  const signals = process.platform === "win32"
    ? ["SIGINT"] as const
    : ["SIGINT", "SIGTERM"] as const;
  const onSignal = () => stop.abort();
  for (const signal of signals) process.on(signal, onSignal);

  const statistics = new ProxyStatistics();
  try {
    await proxy(frontend, backend, { statistics, signal: stop.signal });
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    frontend.close();
    backend.close();
  }
  const { frontend: f, backend: b } = statistics;
  console.log(
    `${name} stopped: ${f.messagesIn} messages frontend → backend, ` +
      `${b.messagesIn} backend → frontend`,
  );
}
