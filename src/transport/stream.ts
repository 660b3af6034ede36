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
  /**
   * Stops listening (and removes an ipc socket file). Resolves once the OS
   * socket is released, so the address can be bound again.
   */
  close(): Promise<void>;
}

/** A transport that carries byte streams. */
export interface StreamTransport {
  /**
   * Listens; rejects with `EACCES` (before touching anything) when Deno
   * lacks the permission, naming the flag to add.
   */
  listen(endpoint: Endpoint): Promise<StreamListener>;
  /**
   * Throws `EACCES` at once when Deno lacks a permission that connecting to
   * `endpoint` needs, so `connect()` can report it to its caller instead of
   * retrying in the background.
   */
  checkConnect(endpoint: Endpoint): void;
  /** One connection attempt. */
  connect(endpoint: Endpoint): Promise<Deno.Conn>;
}

/**
 * Listeners being closed, by address. Deno frees a listening socket only
 * when its last pending `accept()` has settled (after `close()`
 * returns); binding the same address before that fails with EADDRINUSE, and
 * for ipc the late release would even unlink the new socket file. So a
 * listen waits for a release still under way on its address.
 */
const releasing = new Map<string, Promise<void>>();

/** Resolves once no listener on `key` is still being released. */
export function released(key: string): Promise<void> {
  return releasing.get(key) ?? Promise.resolve();
}

/**
 * Wraps a Deno listener: one `accept()` at a time, and a `close()` that
 * resolves when Deno has released the socket (see {@link released}).
 * `afterRelease` runs then (ipc removes its file).
 */
export function wrapListener<L extends Deno.Listener>(
  listener: L,
  endpoint: string,
  key: string,
  afterRelease: () => void = () => {},
): StreamListener {
  let pending: Promise<unknown> | null = null;
  let closing: Promise<void> | null = null;
  return {
    endpoint,
    accept(): Promise<Deno.Conn> {
      const accepted = listener.accept();
      pending = accepted;
      return accepted as Promise<Deno.Conn>;
    },
    close(): Promise<void> {
      if (closing !== null) return closing;
      try {
        listener.close();
      } catch { /* already closed */ }
      const settled = pending === null ? Promise.resolve() : pending.then(noop, noop);
      closing = settled.then(() => {
        afterRelease();
        if (releasing.get(key) === closing) releasing.delete(key);
      });
      releasing.set(key, closing);
      return closing;
    },
  };
}

function noop(): void {}

/** Applies libzmq's ZMQ_TCP_KEEPALIVE (-1: OS default, 0: off, 1: on) to a tcp connection. */
export function applyTcpKeepalive(conn: Deno.Conn, setting: number): void {
  if (setting < 0 || conn.remoteAddr.transport !== "tcp") return;
  (conn as Deno.TcpConn).setKeepAlive(setting === 1);
}

/** Describes a connection's far end as an endpoint string. */
export function remoteAddress(conn: Deno.Conn): string {
  const addr = conn.remoteAddr;
  if (addr.transport === "tcp") {
    return addr.hostname.includes(":")
      ? `tcp://[${addr.hostname}]:${addr.port}`
      : `tcp://${addr.hostname}:${addr.port}`;
  }
  if (addr.transport === "unix") {
    // An accepted Unix connection has no peer path: name the socket it came in on.
    const path = addr.path ?? (conn.localAddr as Deno.UnixAddr).path ?? "";
    return `ipc://${path.replace(/^\0/, "@")}`;
  }
  return String(addr.transport);
}

/**
 * Turns an error thrown by Deno's networking into a {@link ZmqError} with
 * the libzmq code that fits. `permissionHint` names the flag to add when
 * Deno refused for lack of a permission; that is normally caught before
 * (see permissions.ts), but Deno also checks the addresses a host name
 * resolves to against `--deny-net`, which only the attempt can tell.
 */
export function fromDenoError(err: unknown, what: string, permissionHint: string): ZmqError {
  if (err instanceof Deno.errors.NotCapable) {
    return zmqError(
      "EACCES",
      `${what} was refused by Deno (it needs ${permissionHint} and no --deny flag covering it): ${err.message}`,
      err,
    );
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    return zmqError("EACCES", `${what}: permission denied by the operating system`, err);
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
  if (err instanceof Deno.errors.NotFound) {
    return zmqError("ENOENT", `${what}: no such file or directory`, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return zmqError("EINVAL", `${what}: ${message}`, err);
}
