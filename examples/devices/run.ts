/**
 * What the three device examples share: bind both sockets, print where,
 * run `proxy()` until SIGINT/SIGTERM, then print what went through.
 *
 * @module
 */

import { proxy, ProxyStatistics, type SocketBase } from "../../mod.ts";

/**
 * Binds `frontend` and `backend` to the endpoints in Deno.args (or the
 * defaults), runs `proxy()` between them until SIGINT or SIGTERM, closes
 * both and prints the counts.
 */
export async function runDevice(
  name: string,
  frontend: SocketBase,
  backend: SocketBase,
  defaults: [string, string],
): Promise<void> {
  await frontend.bind(Deno.args[0] ?? defaults[0]);
  await backend.bind(Deno.args[1] ?? defaults[1]);
  console.log(`${name}: frontend ${frontend.lastEndpoint}, backend ${backend.lastEndpoint}`);

  const stop = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const onSignal = () => stop.abort();
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);

  const statistics = new ProxyStatistics();
  try {
    await proxy(frontend, backend, { statistics, signal: stop.signal });
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    frontend.close();
    backend.close();
  }
  const { frontend: f, backend: b } = statistics;
  console.log(
    `${name} stopped: ${f.messagesIn} messages frontend → backend, ` +
      `${b.messagesIn} backend → frontend`,
  );
}
