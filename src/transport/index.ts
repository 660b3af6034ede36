/**
 * Picks the byte-stream transport for an endpoint.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";
import { ipcTransport } from "./ipc.ts";
import type { SocksSettings } from "./socks.ts";
import type { StreamTransport } from "./stream.ts";
import { tcpTransport } from "./tcp.ts";
import { tcpThroughSocks } from "./tcp_socks.ts";

/**
 * The transport that carries `endpoint` (tcp or ipc; inproc has none);
 * tcp connects go through `socks` when given.
 */
export function streamTransport(
  endpoint: Endpoint,
  socks: SocksSettings | null = null,
): StreamTransport {
  if (endpoint.transport === "ipc") return ipcTransport;
  return socks === null ? tcpTransport : tcpThroughSocks(socks);
}
