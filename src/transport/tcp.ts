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
import type { Connection, Transport, TransportSocket } from "./registry.ts";
import { parseSocksProxy, socksHandshake, type SocksSettings, socksSettings } from "./socks.ts";
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

/** Connects to a tcp endpoint: one attempt. */
async function connectTcp(endpoint: TcpEndpoint): Promise<Deno.TcpConn> {
  const { host, port, text } = endpoint;
  try {
    return await Deno.connect({ hostname: host, port, transport: "tcp" });
  } catch (err) {
    throw fromDenoError(err, `connect ${text}`, netFlag(host, port));
  }
}

/** tcp connecting directly. */
const directTcp: Transport<TcpEndpoint> = streamTransport<TcpEndpoint>({
  scheme: "tcp",
  parse: parseTcp,
  listen: listenTcp,

  checkConnect(endpoint: TcpEndpoint): void {
    requireNet(`connect ${endpoint.text}`, endpoint.host, endpoint.port);
  },

  async dial(endpoint: TcpEndpoint): Promise<Link> {
    return tcpLink(await connectTcp(endpoint));
  },
});

/**
 * tcp connecting through a SOCKS5 proxy (libzmq's ZMQ_SOCKS_PROXY): each
 * attempt connects to the proxy and asks it for the endpoint (socks.ts).
 * The endpoint's host is not resolved here: the proxy resolves a name.
 */
function tcpThroughSocks(settings: SocksSettings): Transport<TcpEndpoint> {
  const { host, port } = parseSocksProxy(settings.proxy);
  const proxy: TcpEndpoint = {
    transport: "tcp",
    host,
    port,
    ipv6: host.includes(":"),
    text: `tcp://${settings.proxy}`,
  };
  return streamTransport<TcpEndpoint>({
    scheme: "tcp",
    parse: parseTcp,
    listen: listenTcp,

    checkConnect(endpoint: TcpEndpoint): void {
      requireNet(`connect ${endpoint.text} through the SOCKS proxy ${settings.proxy}`, host, port);
    },

    async dial(endpoint: TcpEndpoint): Promise<Link> {
      const conn = await connectTcp(proxy);
      try {
        await socksHandshake(conn, endpoint.host, endpoint.port, settings);
      } catch (err) {
        conn.close();
        throw err;
      }
      return tcpLink(conn);
    },
  });
}

/** The tcp transport; a socket with `socksProxy` connects through the proxy. */
export const tcpTransport: Transport<TcpEndpoint> = {
  ...directTcp,
  connect(endpoint: TcpEndpoint, socket: TransportSocket): Connection {
    const socks = socksSettings(socket);
    const transport = socks === null ? directTcp : tcpThroughSocks(socks);
    return transport.connect(endpoint, socket);
  },
};
