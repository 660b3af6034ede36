/**
 * tcp:// on Deno.listen / Deno.connect: IPv4, IPv6 (`tcp://[::1]:5555`),
 * host names on connect (resolved again by every attempt, so a reconnect
 * follows a changed DNS record), `*` for every IPv4 interface, and `*`/`0`
 * for an ephemeral port on bind.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { streamLink } from "./link.ts";
import type { Link, Listener } from "./link.ts";
import { netFlag, requireNet } from "./permissions.ts";
import type { Transport } from "./registry.ts";
import { fromDenoError, released, remoteAddress, streamTransport, wrapListener } from "./stream.ts";

/** A tcp endpoint; `port` 0 on bind picks a free port. */
export interface TcpEndpoint {
  transport: "tcp";
  /** Host name or address, without IPv6 brackets; "0.0.0.0" for `*`. */
  host: string;
  port: number;
  /** True when the host is an IPv6 literal. */
  ipv6: boolean;
  text: string;
}

/** Listeners on one port conflict whatever their host (`*` covers 127.0.0.1). */
function releaseKey(port: number): string {
  return `tcp:${port}`;
}

/**
 * Parses the address of a tcp endpoint (`host:port`); `forBind` allows `*`
 * hosts and `*`/`0` ports.
 * @throws {ZmqError} `EINVAL` for a malformed address.
 */
export function parseTcp(address: string, text: string, forBind: boolean): TcpEndpoint {
  const colon = address.lastIndexOf(":");
  if (colon < 0) throw zmqError("EINVAL", `tcp endpoint "${text}" has no port`);
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  let ipv6 = false;
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) throw zmqError("EINVAL", `malformed IPv6 address in "${text}"`);
    host = host.slice(1, -1);
    ipv6 = true;
  } else if (host.includes(":")) {
    throw zmqError("EINVAL", `IPv6 addresses need brackets: tcp://[${host}]:${portText}`);
  }
  if (host.length === 0) throw zmqError("EINVAL", `tcp endpoint "${text}" has no host`);
  if (host === "*") {
    if (!forBind) throw zmqError("EINVAL", `cannot connect to "*" in "${text}"`);
    host = "0.0.0.0";
  }
  let port: number;
  if (portText === "*" || portText === "0") {
    if (!forBind) throw zmqError("EINVAL", `cannot connect to port ${portText} in "${text}"`);
    port = 0;
  } else {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw zmqError("EINVAL", `bad port "${portText}" in "${text}"`);
    }
  }
  return { transport: "tcp", host, port, ipv6, text };
}

/** Formats a tcp address the way libzmq reports it (`tcp://[::1]:5555`). */
export function formatTcp(host: string, port: number): string {
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}

/** A connected tcp socket as a link, with Nagle off (ZMTP batches its own writes). */
function tcpLink(conn: Deno.TcpConn): Link {
  conn.setNoDelay(true);
  return streamLink(conn, remoteAddress(conn));
}

/**
 * Listens on a tcp endpoint; rejects with `EACCES` (before touching
 * anything) without the network permission, naming the flag to add.
 */
export async function listenTcp(endpoint: TcpEndpoint): Promise<Listener> {
  const { host, port, text } = endpoint;
  requireNet(`bind ${text}`, host, port);
  if (port !== 0) await released(releaseKey(port));
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname: host, port, transport: "tcp" });
  } catch (err) {
    throw fromDenoError(err, `bind ${text}`, netFlag(host, port));
  }
  const addr = listener.addr;
  return wrapListener(
    listener,
    formatTcp(addr.hostname, addr.port),
    releaseKey(addr.port),
    tcpLink,
  );
}

/** The tcp transport. */
export const tcpTransport: Transport<TcpEndpoint> = streamTransport<TcpEndpoint>({
  scheme: "tcp",
  parse: parseTcp,
  listen: listenTcp,

  checkConnect(endpoint: TcpEndpoint): void {
    requireNet(`connect ${endpoint.text}`, endpoint.host, endpoint.port);
  },

  async dial(endpoint: TcpEndpoint): Promise<Link> {
    const { host, port, text } = endpoint;
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: host, port, transport: "tcp" });
    } catch (err) {
      throw fromDenoError(err, `connect ${text}`, netFlag(host, port));
    }
    return tcpLink(conn);
  },
});
