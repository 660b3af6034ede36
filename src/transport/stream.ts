/**
 * What the byte-stream transports (tcp, ipc) hand to the engine layer:
 * listeners that accept connections and a way to connect. Nothing here
 * knows about ZMTP.
 *
 * @module
 */

import { type ZmqError, zmqError } from "../errors.ts";
import type { Endpoint } from "./endpoint.ts";

/** A bound endpoint that accepts connections. */
export interface StreamListener {
  /** The resolved endpoint, e.g. with the real port for `tcp://*:0`. */
  readonly endpoint: string;
  /** The next connection; rejects once the listener is closed. */
  accept(): Promise<Deno.Conn>;
  /** Stops listening (and removes an ipc socket file). */
  close(): void;
}

/** A transport that carries byte streams. */
export interface StreamTransport {
  listen(endpoint: Endpoint): Promise<StreamListener>;
  connect(endpoint: Endpoint): Promise<Deno.Conn>;
}

/** Describes a connection's far end as an endpoint string. */
export function remoteAddress(conn: Deno.Conn): string {
  const addr = conn.remoteAddr;
  if (addr.transport === "tcp") {
    return addr.hostname.includes(":")
      ? `tcp://[${addr.hostname}]:${addr.port}`
      : `tcp://${addr.hostname}:${addr.port}`;
  }
  if (addr.transport === "unix") return `ipc://${addr.path}`;
  return String(addr.transport);
}

/**
 * Turns an error thrown by Deno's networking into a {@link ZmqError} with
 * the libzmq code that fits. `permissionHint` names the flag to add when the
 * failure is a missing permission.
 */
export function fromDenoError(err: unknown, what: string, permissionHint: string): ZmqError {
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return zmqError("EACCES", `${what}: missing permission, run with ${permissionHint}`, err);
  }
  if (err instanceof Deno.errors.AddrInUse) {
    return zmqError("EADDRINUSE", `${what}: address in use`, err);
  }
  if (err instanceof Deno.errors.AddrNotAvailable) {
    return zmqError("EADDRNOTAVAIL", `${what}: address not available`, err);
  }
  if (err instanceof Deno.errors.ConnectionRefused) {
    return zmqError("ECONNREFUSED", `${what}: connection refused`, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return zmqError("EINVAL", `${what}: ${message}`, err);
}
