/**
 * Picks the byte-stream transport for an endpoint.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";
import { ipcTransport } from "./ipc.ts";
import { hasRawSockets, needsRawSockets } from "./runtime.ts";
import type { SocksSettings } from "./socks.ts";
import type { StreamTransport } from "./stream.ts";
import { tcpTransport } from "./tcp.ts";
import { tcpThroughSocks } from "./tcp_socks.ts";

/**
 * The transport that carries `endpoint` (tcp or ipc; inproc has none);
 * tcp connects go through `socks` when given. Throws `ENOTSUP` in a
 * runtime without raw sockets (a browser).
 */
export function streamTransport(
  endpoint: Endpoint,
  forBind: boolean,
  socks: SocksSettings | null = null,
): StreamTransport {
  if (!hasRawSockets()) throw needsRawSockets(endpoint.text, forBind);
  if (endpoint.transport === "ipc") return ipcTransport;
  return socks === null ? tcpTransport : tcpThroughSocks(socks);
}
