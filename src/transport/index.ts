/**
 * Picks the byte-stream transport for an endpoint.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";
import { ipcTransport } from "./ipc.ts";
import { hasRawSockets, needsRawSockets } from "./runtime.ts";
import type { StreamTransport } from "./stream.ts";
import { tcpTransport } from "./tcp.ts";

/**
 * The transport that carries `endpoint` (tcp or ipc; inproc has none).
 * Throws `ENOTSUP` in a runtime without raw sockets (a browser).
 */
export function streamTransport(endpoint: Endpoint, forBind: boolean): StreamTransport {
  if (!hasRawSockets()) throw needsRawSockets(endpoint.text, forBind);
  return endpoint.transport === "ipc" ? ipcTransport : tcpTransport;
}
