/**
 * tcp:// on Deno.listen / Deno.connect: IPv4, IPv6 (`tcp://[::1]:5555`),
 * host names on connect (resolved again by every attempt, so a reconnect
 * follows a changed DNS record), `*` for every IPv4 interface (IPv4 and
 * IPv6 with the `ipv6` option), an interface name as a bind host
 * (`tcp://lo:*`), `*`/`0` for an ephemeral port on bind, and a source
 * address on connect (`tcp://source;destination`, as libzmq).
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { streamLink } from "./link.ts";
import type { Link, Listener } from "./link.ts";
import type { ByteStream } from "./byte_stream.ts";
import { connectFrom, connectNode, fromNodeError, listenNode } from "./node_socket.ts";
import { canListInterfaces, netFlag, requireNet } from "./permissions.ts";
import type { Binding, Connection, Transport, TransportSocket } from "./registry.ts";
import { socketRuntime } from "./runtime.ts";
import { parseSocksProxy, socksHandshake, type SocksSettings, socksSettings } from "./socks.ts";
import { fromDenoError, released, remoteAddress, streamTransport, wrapListener } from "./stream.ts";

/** A host and port, as in an endpoint. */
export interface TcpAddress {
  /** Host name, address (IPv6 without brackets) or interface name; "0.0.0.0" for `*`. */
  host: string;
  /** 0 on bind (and in a source address): a free port. */
  port: number;
  /** True when the host is an IPv6 literal. */
  ipv6: boolean;
  /** True for `*`: every interface. */
  anyHost: boolean;
}

/** A tcp endpoint. */
export interface TcpEndpoint extends TcpAddress {
  transport: "tcp";
  /** Where a connection starts from (`tcp://source;destination`), if given. */
  source?: TcpAddress;
  text: string;
}

/** Listeners on one port conflict whatever their host (`*` covers 127.0.0.1). */
function releaseKey(port: number): string {
  return `tcp:${port}`;
}

/**
 * Parses the address of a tcp endpoint (`host:port`; on connect also
 * `source;destination`, where the source is bound first: an address or an
 * interface name, with a port or `*`/`0`); `forBind` allows `*` hosts and
 * `*`/`0` ports.
 * @throws {ZmqError} `EINVAL` for a malformed address.
 */
export function parseTcp(address: string, text: string, forBind: boolean): TcpEndpoint {
  const semicolon = address.lastIndexOf(";");
  if (semicolon < 0) return { transport: "tcp", ...parseHostPort(address, text, forBind), text };
  if (forBind) throw zmqError("EINVAL", `"${text}": a source address is for connect only`);
  const source = parseHostPort(address.slice(0, semicolon), text, true);
  return {
    transport: "tcp",
    ...parseHostPort(address.slice(semicolon + 1), text, false),
    source,
    text,
  };
}

function parseHostPort(address: string, text: string, bindable: boolean): TcpAddress {
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
  const anyHost = host === "*";
  if (anyHost) {
    if (!bindable) throw zmqError("EINVAL", `cannot connect to "*" in "${text}"`);
    host = "0.0.0.0";
  }
  let port: number;
  if (portText === "*" || portText === "0") {
    if (!bindable) throw zmqError("EINVAL", `cannot connect to port ${portText} in "${text}"`);
    port = 0;
  } else {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw zmqError("EINVAL", `bad port "${portText}" in "${text}"`);
    }
  }
  return { host, port, ipv6, anyHost };
}

/** True for an IPv4 or IPv6 literal. */
function isIpLiteral(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(":");
}

/**
 * The host to bind for `address` (libzmq's bind-side resolution): `*` is
 * every IPv4 interface, or with `ipv6` every interface of both families
 * (`::`, dual-stack); an interface name is that interface's address (IPv6
 * first with `ipv6`, else IPv4); anything else is left to the resolver.
 */
export function bindHost(address: TcpAddress, ipv6: boolean): string {
  if (address.anyHost) return ipv6 ? "::" : "0.0.0.0";
  const host = address.host;
  if (isIpLiteral(host) || host === "localhost" || !canListInterfaces()) return host;
  const entries = Deno.networkInterfaces().filter((nic) => nic.name === host);
  if (entries.length === 0) return host;
  const family = (name: string) => entries.find((nic) => nic.family === name)?.address;
  const chosen = ipv6 ? (family("IPv6") ?? family("IPv4")) : family("IPv4");
  if (chosen === undefined) {
    throw zmqError(
      "EADDRNOTAVAIL",
      `interface ${host} has no IPv4 address (set ipv6 to use its IPv6 one)`,
    );
  }
  return chosen;
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
  if (socketRuntime() === "node") {
    return await listenNode({ host, port }, `bind ${text}`, (bound) => {
      const addr = bound as { address: string; port: number };
      return formatTcp(addr.address, addr.port);
    });
  }
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

/** A connected tcp stream and its peer's address. */
interface TcpStream {
  stream: ByteStream;
  address: string;
}

/**
 * Connects to `host:port`, from `source` when given (through node:net:
 * Deno.connect cannot bind the local end): one attempt.
 */
async function connectTcp(
  target: TcpAddress,
  text: string,
  source: TcpAddress | undefined,
  ipv6: boolean,
): Promise<TcpStream> {
  const { host, port } = target;
  if (socketRuntime() === "node") {
    const local = source === undefined
      ? {}
      : { localAddress: bindHost(source, ipv6), localPort: source.port };
    try {
      return await connectNode({ host, port, ...local });
    } catch (err) {
      throw fromNodeError(err, `connect ${text}`);
    }
  }
  try {
    if (source !== undefined) {
      return await connectFrom(host, port, { host: bindHost(source, ipv6), port: source.port });
    }
    const conn = await Deno.connect({ hostname: host, port, transport: "tcp" });
    conn.setNoDelay(true);
    return { stream: conn, address: remoteAddress(conn) };
  } catch (err) {
    throw fromNetError(err, `connect ${text}`, netFlag(host, port));
  }
}

/** Deno's errors, and node:net's (errno codes) for connects from a source address. */
function fromNetError(err: unknown, what: string, hint: string) {
  const code = (err as { code?: unknown })?.code;
  if (code === "ECONNREFUSED") return zmqError("ECONNREFUSED", `${what}: connection refused`, err);
  if (code === "EADDRNOTAVAIL") {
    return zmqError("EADDRNOTAVAIL", `${what}: source address not available`, err);
  }
  if (code === "EADDRINUSE") return zmqError("EADDRINUSE", `${what}: source address in use`, err);
  return fromDenoError(err, what, hint);
}

/**
 * tcp for one socket's settings: connecting directly, or through its SOCKS5
 * proxy (libzmq's ZMQ_SOCKS_PROXY: each attempt connects to the proxy and
 * asks it for the endpoint, whose host the proxy resolves; see socks.ts).
 * `ipv6` picks the family of an interface named as a source address.
 */
function tcpFor(ipv6: boolean, socks: SocksSettings | null): Transport<TcpEndpoint> {
  const proxy = socks === null ? null : parseSocksProxy(socks.proxy);
  return streamTransport<TcpEndpoint>({
    scheme: "tcp",
    parse: parseTcp,
    listen: listenTcp,

    checkConnect(endpoint: TcpEndpoint): void {
      if (proxy === null) requireNet(`connect ${endpoint.text}`, endpoint.host, endpoint.port);
      else {
        const what = `connect ${endpoint.text} through the SOCKS proxy ${socks!.proxy}`;
        requireNet(what, proxy.host, proxy.port);
      }
    },

    async dial(endpoint: TcpEndpoint): Promise<Link> {
      if (proxy === null) {
        const { stream, address } = await connectTcp(
          endpoint,
          endpoint.text,
          endpoint.source,
          ipv6,
        );
        return streamLink(stream, address);
      }
      const proxyAddress = { ...proxy, ipv6: proxy.host.includes(":"), anyHost: false };
      const { stream, address } = await connectTcp(
        proxyAddress,
        `tcp://${socks!.proxy}`,
        endpoint.source,
        ipv6,
      );
      try {
        await socksHandshake(stream, endpoint.host, endpoint.port, socks!);
      } catch (err) {
        stream.close();
        throw err;
      }
      return streamLink(stream, address);
    },
  });
}

const directTcp = tcpFor(false, null);

/**
 * The tcp transport. Binding resolves `*` and interface names by the
 * socket's `ipv6` option; connecting uses the socket's SOCKS proxy, if any.
 */
export const tcpTransport: Transport<TcpEndpoint> = {
  ...directTcp,
  async bind(endpoint: TcpEndpoint, socket: TransportSocket): Promise<Binding> {
    return await directTcp.bind({ ...endpoint, host: bindHost(endpoint, socket.ipv6) }, socket);
  },
  connect(endpoint: TcpEndpoint, socket: TransportSocket): Connection {
    return tcpFor(socket.ipv6, socksSettings(socket)).connect(endpoint, socket);
  },
};
