/**
 * What the JavaScript runtime can do for the transports. On Deno every
 * transport works; in a browser (or any runtime without Deno's raw
 * sockets) a page can only open outgoing WebSockets, so tcp, ipc and every
 * bind except inproc's fail with `ENOTSUP`, saying why. Nothing here reads
 * `Deno` at import time: the same module graph loads in a page.
 *
 * @module
 */

import { type ZmqError, zmqError } from "../errors.ts";
import { nodeNetModule } from "./node_socket.ts";

/** Whether this runtime has Deno's raw sockets (`Deno.listen`, `Deno.connect`). */
export function hasRawSockets(): boolean {
  const deno = (globalThis as { Deno?: { listen?: unknown } }).Deno;
  return typeof deno?.listen === "function";
}

/**
 * How tcp and ipc reach the OS here: Deno's own sockets, `node:net` (Node,
 * Bun), or not at all (a browser). Deno is asked first, so the Deno path
 * never touches node:net.
 */
export function socketRuntime(): "deno" | "node" | "none" {
  if (hasRawSockets()) return "deno";
  return nodeNetModule() === null ? "none" : "node";
}

/**
 * The `ENOTSUP` for a `bind` or `connect` on `endpoint` that needs raw
 * sockets this runtime lacks.
 */
export function needsRawSockets(endpoint: string, forBind: boolean): ZmqError {
  const why = forBind
    ? `a browser cannot listen for connections: bind in Deno and connect here with ws:// or wss://`
    : `a browser cannot open TCP or Unix sockets: connect with ws:// or wss:// ` +
      `(a relay bridges tcp publishers to WebSocket subscribers)`;
  return zmqError("ENOTSUP", `${forBind ? "bind" : "connect"} ${endpoint}: ${why}`);
}

/**
 * Throws `ENOTSUP` for a page's WebSocket connect that cannot work as
 * asked. A page's `WebSocket` can offer only the subprotocol `ZWS2.0`
 * (NULL security: "/" is not allowed in its subprotocol names), so PLAIN
 * and CURVE cannot be negotiated, and running NULL instead would silently
 * drop the security the socket was given. An https page may not open
 * `ws://` (mixed content).
 */
export function checkPageCanConnect(
  endpoint: { transport: string; text: string },
  mechanism: string,
): void {
  if (mechanism !== "NULL") {
    throw zmqError(
      "ENOTSUP",
      `connect ${endpoint.text}: a browser's WebSocket can only offer the subprotocol ZWS2.0 ` +
        `(NULL security), so ${mechanism} cannot be negotiated there: use wss:// for secrecy`,
    );
  }
  const page = (globalThis as { location?: { protocol?: string } }).location;
  if (endpoint.transport === "ws" && page?.protocol === "https:") {
    throw zmqError(
      "ENOTSUP",
      `connect ${endpoint.text}: an https page may only open wss:// WebSockets (mixed content)`,
    );
  }
}
