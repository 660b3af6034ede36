/**
 * ws:// and wss://: ZeroMQ over WebSocket (ZWS 2.0, RFC 45), as libzmq's
 * ws transport. `ws://host:port/path` (the path defaults to `/`; a bind
 * listens on host:port and, as libzmq, accepts any path).
 *
 * On Deno both ends run our own RFC 6455 framing over `Deno.listen` /
 * `Deno.connect` (and their TLS forms for wss): see ws_socket_channel.ts.
 * Without Deno's raw sockets (a browser) connect goes through the
 * platform's `WebSocket` (ws_object_channel.ts), which can only offer bare
 * `ZWS2.0`, and bind fails with `ENOTSUP`.
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
import { checkPageCanConnect, hasRawSockets, needsRawSockets } from "./runtime.ts";
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

/** Listens for ws (or, with a certificate, wss) connections; see the module documentation. */
async function listenWs(endpoint: WsEndpoint, options: WssOptions): Promise<Listener> {
  const { host, port, text, path, transport: scheme } = endpoint;
  const secure = scheme === "wss";
  if (secure && (options.wssCertPem === null || options.wssKeyPem === null)) {
    throw zmqError("EINVAL", `bind ${text}: wss needs the wssCertPem and wssKeyPem options`);
  }
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
  const hostHeader = port === (scheme === "wss" ? 443 : 80)
    ? bracketed(host)
    : `${bracketed(host)}:${port}`;
  const channel = new WsSocketChannel(
    conn,
    { client: true, host: hostHeader, path },
    formatAddress(scheme, host, port),
  );
  return wsLink(channel);
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
      if (!hasRawSockets()) throw needsRawSockets(endpoint.text, true);
      const listener = await listenWs(endpoint, socket as unknown as WssOptions);
      return new AcceptSession(socket, listener);
    },
    connect(endpoint: WsEndpoint, socket: TransportSocket): Connection {
      socket.checkSecurity();
      const options = socket as unknown as WssOptions;
      let dial: () => Promise<Link>;
      if (hasRawSockets()) {
        requireNet(`connect ${endpoint.text}`, endpoint.host, endpoint.port);
        dial = () => dialWs(endpoint, options);
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
