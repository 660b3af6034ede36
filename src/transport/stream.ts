/**
 * Byte-stream transports (tcp, ipc) on Deno: listeners whose accepted
 * connections become {@link Link}s, Deno's errors as {@link ZmqError}s, and
 * {@link streamTransport}, which turns a listen and a dial function into a
 * {@link Transport} served by the sessions. Nothing here knows about ZMTP.
 *
 * @module
 */

import { type ZmqError, zmqError } from "../errors.ts";
import { AcceptSession, ConnectSession } from "../session/session.ts";
import type { Binding, Connection, Endpoint, Transport, TransportSocket } from "./registry.ts";
import type { Link, Listener } from "./link.ts";
import { needsRawSockets, socketRuntime } from "./runtime.ts";
import { streamLink } from "./link.ts";
import type { ZmtpSocketType } from "../wire/socket_types.ts";

/** How one byte-stream transport listens and dials; see {@link streamTransport}. */
export interface StreamDialer<E extends Endpoint> {
  /** The scheme before `://`. */
  readonly scheme: string;
  /**
   * Parses the address after `scheme://`.
   * @throws {ZmqError} `EINVAL` for a malformed address.
   */
  parse(address: string, text: string, forBind: boolean): E;
  /**
   * Listens; rejects with `EACCES` (before touching anything) when the
   * runtime lacks a permission, naming the flag to add.
   */
  listen(endpoint: E): Promise<Listener>;
  /**
   * Throws `EACCES` at once when a permission that connecting needs is
   * missing, so `connect()` reports it to its caller instead of retrying
   * in the background.
   */
  checkConnect(endpoint: E): void;
  /** One connection attempt. */
  dial(endpoint: E): Promise<Link>;
}

/**
 * A transport whose bindings accept links and whose connections dial them,
 * with a session each: reconnection with back-off, one pipe per peer,
 * linger, monitor events. Every socket type may use it.
 */
export function streamTransport<E extends Endpoint>(dialer: StreamDialer<E>): Transport<E> {
  return {
    scheme: dialer.scheme,
    parse: (address, text, forBind) => dialer.parse(address, text, forBind),
    checkSocketType(_type: ZmtpSocketType): void {},
    async bind(endpoint: E, socket: TransportSocket): Promise<Binding> {
      socket.checkSecurity();
      if (socketRuntime() === "none") throw needsRawSockets(endpoint.text, true);
      return new AcceptSession(socket, await dialer.listen(endpoint));
    },
    connect(endpoint: E, socket: TransportSocket): Connection {
      socket.checkSecurity();
      if (socketRuntime() === "none") throw needsRawSockets(endpoint.text, false);
      dialer.checkConnect(endpoint);
      const session = new ConnectSession(socket, endpoint.text, () => dialer.dial(endpoint));
      session.start();
      return session;
    },
  };
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
 * Wraps a Deno listener: one `accept()` at a time, each connection made a
 * link by `toLink`, and a `close()` that resolves when Deno has released
 * the socket (see {@link released}). `afterRelease` runs then (ipc removes
 * its file).
 */
export function wrapListener<C extends Deno.Conn>(
  listener: Deno.Listener<C>,
  endpoint: string,
  key: string,
  toLink: (conn: C) => Link = defaultLink,
  afterRelease: () => void = () => {},
): Listener {
  let pending: Promise<unknown> | null = null;
  let closing: Promise<void> | null = null;
  return {
    endpoint,
    accept(): Promise<Link> {
      const accepted = listener.accept();
      pending = accepted;
      return accepted.then(toLink);
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

/** A Deno connection as a link: `Deno.Conn` is a {@link ByteStream} as it is. */
export function defaultLink(conn: Deno.Conn): Link {
  return streamLink(conn, remoteAddress(conn));
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
