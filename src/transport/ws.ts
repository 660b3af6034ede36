/**
 * ws:// and wss://: ZeroMQ over WebSocket (ZWS 2.0, RFC 45), as libzmq's
 * ws transport. `ws://host:port/path` (the path defaults to `/`; a bind
 * listens on host:port and, as libzmq, accepts any path).
 *
 * On Deno both ends run our own RFC 6455 framing over `Deno.listen` /
 * `Deno.connect` (and their TLS forms for wss): see ws_socket_channel.ts.
 * On Node and Bun the same framing runs over `node:net` streams (wss:
 * `node:tls` over the connected socket), so every mechanism, heartbeats
 * and bind work there as on Deno. Without raw sockets (a browser) connect
 * goes through the platform's `WebSocket` (ws_object_channel.ts), which
 * can only offer bare `ZWS2.0`, and bind fails with `ENOTSUP`.
 *
 * wss takes libzmq's options: `wssCertPem`/`wssKeyPem` to bind,
 * `wssTrustPem` (a CA to trust besides the system's) and `wssHostname`
 * (the name the certificate must carry) to connect.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { AcceptSession, ConnectSession } from "../session/session.ts";
import type { EngineFactory, EngineHandler, SessionEngine } from "../session/engine.ts";
import { WsEngine } from "../session/ws_engine.ts";
import { mechanismName, type SecurityOptions } from "../mechanism/select.ts";
import type { Link, Listener } from "./link.ts";
import { netFlag, requireNet } from "./permissions.ts";
import type { Binding, Connection, Transport, TransportSocket } from "./registry.ts";
import { checkPageCanConnect, needsRawSockets, socketRuntime } from "./runtime.ts";
import type { ByteStream } from "./byte_stream.ts";
import { connectNode, fromNodeError, listenNode } from "./node_socket.ts";
import { fromDenoError, released, wrapListener } from "./stream.ts";
import type { WsChannel } from "./ws_channel.ts";
import type { ZmtpSocketType } from "../wire/socket_types.ts";
import { WsSocketChannel } from "./ws_socket_channel.ts";
import { openWebSocketObjectChannel } from "./ws_object_channel.ts";

/** A ws or wss endpoint. */
export interface WsEndpoint {
  transport: "ws" | "wss";
  /** Host name or address, without IPv6 brackets; "0.0.0.0" for `*`. */
  host: string;
  /** 0 on bind: a free port. */
  port: number;
  /** The request path, starting with "/". */
  path: string;
  text: string;
}

/** The wss options of a socket (libzmq's ZMQ_WSS_*). */
interface WssOptions {
  readonly wssCertPem: string | null;
  readonly wssKeyPem: string | null;
  readonly wssTrustPem: string | null;
  readonly wssHostname: string | null;
}

/**
 * Parses `host:port[/path]` for ws/wss; `forBind` allows `*` hosts and
 * `*`/`0` ports.
 * @throws {ZmqError} `EINVAL` for a malformed address.
 */
export function parseWs(
  scheme: "ws" | "wss",
  address: string,
  text: string,
  forBind: boolean,
): WsEndpoint {
  const slash = address.indexOf("/");
  const hostPort = slash < 0 ? address : address.slice(0, slash);
  const path = slash < 0 ? "/" : address.slice(slash);
  if (/[\s]/.test(path)) throw zmqError("EINVAL", `the path in "${text}" contains white space`);
  const colon = hostPort.lastIndexOf(":");
  if (colon < 0) throw zmqError("EINVAL", `${scheme} endpoint "${text}" has no port`);
  let host = hostPort.slice(0, colon);
  const portText = hostPort.slice(colon + 1);
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) throw zmqError("EINVAL", `malformed IPv6 address in "${text}"`);
    host = host.slice(1, -1);
  } else if (host.includes(":")) {
    throw zmqError("EINVAL", `IPv6 addresses need brackets: ${scheme}://[${host}]:${portText}`);
  }
  if (host.length === 0) throw zmqError("EINVAL", `${scheme} endpoint "${text}" has no host`);
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
  return { transport: scheme, host, port, path, text };
}

/** `scheme://host:port` with brackets around an IPv6 host. */
function formatAddress(scheme: string, host: string, port: number): string {
  return host.includes(":") ? `${scheme}://[${host}]:${port}` : `${scheme}://${host}:${port}`;
}

/** A link whose engine is the ZWS engine over `channel`. */
export function wsLink(channel: WsChannel): Link {
  return {
    address: channel.address,
    start(socket: EngineFactory, handler: EngineHandler): SessionEngine {
      return new WsEngine(channel, socket.engineConfig(channel.address), handler);
    },
    close(): void {
      channel.close();
    },
  };
}

/** A TCP connection's far end as `ws://host:port`. */
function peerAddress(scheme: string, conn: Deno.Conn): string {
  const addr = conn.remoteAddr as Deno.NetAddr;
  return formatAddress(scheme, addr.hostname, addr.port);
}

/** Listeners on one port conflict whatever their host, tcp's and ws's alike. */
function releaseKey(port: number): string {
  return `tcp:${port}`;
}

/** Listens for ws (or, with the certificate checked by the caller, wss) connections on Deno. */
async function listenWs(endpoint: WsEndpoint, options: WssOptions): Promise<Listener> {
  const { host, port, text, path, transport: scheme } = endpoint;
  const secure = scheme === "wss";
  requireNet(`bind ${text}`, host, port);
  if (port !== 0) await released(releaseKey(port));
  let listener: Deno.Listener;
  try {
    listener = secure
      ? Deno.listenTls({
        hostname: host,
        port,
        transport: "tcp",
        cert: options.wssCertPem!,
        key: options.wssKeyPem!,
      })
      : Deno.listen({ hostname: host, port, transport: "tcp" });
  } catch (err) {
    throw fromDenoError(err, `bind ${text}`, netFlag(host, port));
  }
  const addr = listener.addr as Deno.NetAddr;
  const bound = formatAddress(scheme, addr.hostname, addr.port) + path;
  return wrapListener(listener, bound, releaseKey(addr.port), (conn: Deno.Conn) => {
    if (!secure) (conn as Deno.TcpConn).setNoDelay(true);
    const channel = new WsSocketChannel(conn, { client: false }, peerAddress(scheme, conn));
    return wsLink(channel);
  });
}

/** One connection attempt over Deno's sockets (TLS verified for `wssHostname`, trusting `wssTrustPem`). */
async function dialWs(endpoint: WsEndpoint, options: WssOptions): Promise<Link> {
  const { host, port, text, path, transport: scheme } = endpoint;
  let conn: Deno.Conn;
  try {
    const tcp = await Deno.connect({ hostname: host, port, transport: "tcp" });
    tcp.setNoDelay(true);
    conn = tcp;
    if (scheme === "wss") {
      const trust = options.wssTrustPem;
      conn = await Deno.startTls(tcp, {
        hostname: options.wssHostname ?? host,
        caCerts: trust === null ? undefined : [trust],
      });
    }
  } catch (err) {
    throw fromDenoError(err, `connect ${text}`, netFlag(host, port));
  }
  const channel = new WsSocketChannel(
    conn,
    { client: true, host: hostHeader(scheme, host, port), path },
    formatAddress(scheme, host, port),
  );
  return wsLink(channel);
}

/** The Host header a client sends: the port only when it is not the scheme's default. */
function hostHeader(scheme: "ws" | "wss", host: string, port: number): string {
  return port === (scheme === "wss" ? 443 : 80) ? bracketed(host) : `${bracketed(host)}:${port}`;
}

/** Listens with node:net (Node, Bun), TLS from node:tls for wss; see {@link listenWs}. */
async function listenWsNode(endpoint: WsEndpoint, options: WssOptions): Promise<Listener> {
  const { host, port, text, path, transport: scheme } = endpoint;
  return await listenNode(
    { host, port },
    `bind ${text}`,
    (bound) => {
      const addr = bound as { address: string; port: number };
      return formatAddress(scheme, addr.address, addr.port) + path;
    },
    undefined,
    {
      tls: scheme === "wss"
        ? { certPem: options.wssCertPem!, keyPem: options.wssKeyPem! }
        : undefined,
      link: (stream: ByteStream, peer) => {
        const address = formatAddress(scheme, peer?.host ?? host, peer?.port ?? 0);
        return wsLink(new WsSocketChannel(stream, { client: false }, address));
      },
    },
  );
}

/** One connection attempt with node:net (Node, Bun), TLS from node:tls for wss; see {@link dialWs}. */
async function dialWsNode(endpoint: WsEndpoint, options: WssOptions): Promise<Link> {
  const { host, port, text, path, transport: scheme } = endpoint;
  const tls = scheme === "wss"
    ? { hostname: options.wssHostname ?? host, trustPem: options.wssTrustPem }
    : undefined;
  let stream: ByteStream;
  try {
    ({ stream } = await connectNode({ host, port }, tls));
  } catch (err) {
    throw fromNodeError(err, `connect ${text}`);
  }
  const role = { client: true as const, host: hostHeader(scheme, host, port), path };
  return wsLink(new WsSocketChannel(stream, role, formatAddress(scheme, host, port)));
}

function bracketed(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** The ws:// or wss:// transport. */
function wsTransport(scheme: "ws" | "wss"): Transport<WsEndpoint> {
  return {
    scheme,
    parse: (address, text, forBind) => parseWs(scheme, address, text, forBind),
    checkSocketType(type: ZmtpSocketType): void {
      if (type === "STREAM") {
        throw zmqError(
          "ENOTSUP",
          `a Stream socket carries raw bytes, ${scheme}:// carries ZWS messages: use tcp:// or ipc://`,
        );
      }
    },
    async bind(endpoint: WsEndpoint, socket: TransportSocket): Promise<Binding> {
      socket.checkSecurity();
      const runtime = socketRuntime();
      if (runtime === "none") throw needsRawSockets(endpoint.text, true);
      const options = socket as unknown as WssOptions;
      if (scheme === "wss" && (options.wssCertPem === null || options.wssKeyPem === null)) {
        throw zmqError(
          "EINVAL",
          `bind ${endpoint.text}: wss needs the wssCertPem and wssKeyPem options`,
        );
      }
      const listener = runtime === "deno"
        ? await listenWs(endpoint, options)
        : await listenWsNode(endpoint, options);
      return new AcceptSession(socket, listener);
    },
    connect(endpoint: WsEndpoint, socket: TransportSocket): Connection {
      socket.checkSecurity();
      const options = socket as unknown as WssOptions;
      const runtime = socketRuntime();
      let dial: () => Promise<Link>;
      if (runtime === "deno") {
        requireNet(`connect ${endpoint.text}`, endpoint.host, endpoint.port);
        dial = () => dialWs(endpoint, options);
      } else if (runtime === "node") {
        dial = () => dialWsNode(endpoint, options);
      } else {
        checkPageCanConnect(endpoint, mechanismName(socket as unknown as SecurityOptions));
        dial = () => openWebSocketObjectChannel(endpoint.text).then(wsLink);
      }
      const session = new ConnectSession(socket, endpoint.text, dial);
      session.start();
      return session;
    },
  };
}

/** ws:// */
export const wsPlainTransport: Transport<WsEndpoint> = wsTransport("ws");
/** wss:// */
export const wssTransport: Transport<WsEndpoint> = wsTransport("wss");
