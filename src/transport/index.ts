/**
 * Picks the byte-stream transport for an endpoint.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";
import { ipcTransport } from "./ipc.ts";
import type { StreamTransport } from "./stream.ts";
import { tcpTransport } from "./tcp.ts";

/** The transport that carries `endpoint` (tcp or ipc; inproc has none). */
export function streamTransport(endpoint: Endpoint): StreamTransport {
  return endpoint.transport === "ipc" ? ipcTransport : tcpTransport;
}
