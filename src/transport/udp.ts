/**
 * udp:// for RADIO and DISH, as libzmq 4.3.5 does it (udp_engine.cpp,
 * udp_address.cpp): no connection and no handshake, one message per
 * datagram (framing in wire/udp_datagram.ts).
 *
 * - A Dish binds (`udp://*:5556`, `udp://127.0.0.1:5556`) and receives;
 *   with a multicast group (`udp://interface;239.1.1.1:5556`, interface an
 *   IPv4 address, a name such as `eth0`, or `*`) it joins the group on that
 *   interface. (libzmq also lets a Dish `connect` udp, meaning the same as
 *   bind; here a Dish binds udp, and `connect` is `ENOCOMPATPROTO`.)
 * - A Radio connects (`udp://127.0.0.1:5556`, or the multicast form, where
 *   the interface is the address it sends from) and sends every group: the
 *   Dish filters. A Radio cannot bind udp (`ENOCOMPATPROTO`), nor can any
 *   other socket type use it.
 * - IPv4 only, as libzmq's udp. Deno's UDP API is unstable: without
 *   `--unstable-net` bind/connect fail with `ENOTSUP` naming the flag;
 *   without the network permission, with `EACCES` naming `--allow-net`.
 *
 * This is a transport with its own session (see registry.ts): it makes the
 * one pipe of each endpoint itself and moves datagrams through it.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { Pipe } from "../pipe/pipe.ts";
import type { ZmtpSocketType } from "../wire/socket_types.ts";
import { datagramProblem, decodeDatagram, encodeDatagram } from "../wire/udp_datagram.ts";
import { requireNet } from "./permissions.ts";
import type { Binding, Connection, Transport, TransportSocket } from "./registry.ts";

/** A udp endpoint. */
export interface UdpEndpoint {
  transport: "udp";
  text: string;
  /** Unicast: the address (bind: to listen on; connect: to send to). Multicast: the group. */
  host: string;
  /** 0 on bind: a free port. */
  port: number;
  /** True for a multicast group (224.0.0.0/4). */
  multicast: boolean;
  /** Multicast: the interface, as written (an address, a name, or `*`). */
  networkInterface: string | null;
}

/** What Deno's unstable UDP API gives (typed here: it is absent without --unstable-net). */
interface DatagramSocket {
  receive(buffer?: Uint8Array): Promise<[Uint8Array, unknown]>;
  send(
    data: Uint8Array,
    addr: { transport: "udp"; hostname: string; port: number },
  ): Promise<number>;
  joinMulticastV4(group: string, networkInterface: string): Promise<{ leave(): Promise<void> }>;
  close(): void;
  readonly addr: { hostname: string; port: number };
}

type ListenDatagram = (options: {
  transport: "udp";
  hostname: string;
  port: number;
  reuseAddress?: boolean;
  loopback?: boolean;
}) => DatagramSocket;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isIpv4(host: string): boolean {
  const m = IPV4.exec(host);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

function isMulticast(host: string): boolean {
  const first = Number(host.split(".")[0]);
  return isIpv4(host) && first >= 224 && first <= 239;
}

/**
 * Parses `host:port` or `interface;group:port`.
 * @throws {ZmqError} `EINVAL` for a malformed address, as libzmq's udp_address_t.
 */
export function parseUdp(address: string, text: string, forBind: boolean): UdpEndpoint {
  const semicolon = address.lastIndexOf(";");
  const networkInterface = semicolon >= 0 ? address.slice(0, semicolon) : null;
  const target = semicolon >= 0 ? address.slice(semicolon + 1) : address;
  const colon = target.lastIndexOf(":");
  if (colon < 0) throw zmqError("EINVAL", `udp endpoint "${text}" has no port`);
  let host = target.slice(0, colon);
  const portText = target.slice(colon + 1);
  if (host.startsWith("[") || host.includes(":")) {
    throw zmqError("EINVAL", `udp:// is IPv4 only (as libzmq's): "${text}"`);
  }
  if (host === "*") {
    if (!forBind) throw zmqError("EINVAL", `cannot send to "*" in "${text}"`);
    host = "0.0.0.0";
  }
  if (!isIpv4(host) && (forBind || networkInterface !== null)) {
    throw zmqError("EINVAL", `"${host}" in "${text}" is not an IPv4 address`);
  }
  let port: number;
  if ((portText === "*" || portText === "0") && forBind) port = 0;
  else {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw zmqError("EINVAL", `bad port "${portText}" in "${text}"`);
    }
  }
  const multicast = isMulticast(host);
  if (networkInterface !== null) {
    if (!multicast) {
      throw zmqError("EINVAL", `"${text}": an interface goes with a multicast group only`);
    }
    if (networkInterface.length === 0 || isMulticast(networkInterface)) {
      throw zmqError("EINVAL", `"${text}": "${networkInterface}" is not an interface`);
    }
  }
  return { transport: "udp", text, host, port, multicast, networkInterface };
}

/** Deno's listenDatagram, or ENOTSUP naming the flag that enables it. */
function listenDatagram(what: string): ListenDatagram {
  const deno = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno;
  if (typeof deno?.listenDatagram !== "function") {
    throw zmqError(
      "ENOTSUP",
      `${what}: udp:// needs Deno's unstable UDP API: run with --unstable-net`,
    );
  }
  return deno.listenDatagram as ListenDatagram;
}

/** The IPv4 address of an interface given as an address, a name (`lo`, `eth0`) or `*`. */
function interfaceAddress(name: string, text: string): string {
  if (name === "*") return "0.0.0.0";
  if (isIpv4(name)) return name;
  let found: string | undefined;
  try {
    found = Deno.networkInterfaces().find((i) => i.name === name && i.family === "IPv4")?.address;
  } catch (err) {
    throw zmqError(
      "EACCES",
      `"${text}": finding interface ${name} needs --allow-sys=networkInterfaces`,
      err,
    );
  }
  if (found === undefined) throw zmqError("EINVAL", `"${text}": no IPv4 interface named ${name}`);
  return found;
}

function peerInfo(socketType: ZmtpSocketType, address: string) {
  return { socketType, identity: new Uint8Array(0), metadata: new Map(), address, zmtpMinor: 1 };
}

/**
 * A Dish's receiving socket: datagrams become `[group, body]` messages in
 * the pipe (dropped while the pipe is full, as libzmq drops them); what
 * the Dish writes (its joins) is discarded, since it filters itself.
 */
async function startReceiver(
  endpoint: UdpEndpoint,
  socket: TransportSocket,
): Promise<Binding & Connection> {
  const listen = listenDatagram(`bind ${endpoint.text}`);
  const { host, port, multicast, text } = endpoint;
  requireNet(`bind ${text}`, multicast ? "0.0.0.0" : host, port);
  const ifaceAddress = multicast ? interfaceAddress(endpoint.networkInterface ?? "*", text) : "";
  let conn: DatagramSocket;
  try {
    conn = listen({
      transport: "udp",
      hostname: multicast ? "0.0.0.0" : host,
      port,
      reuseAddress: multicast,
    });
  } catch (err) {
    throw udpError(err, `bind ${text}`);
  }
  try {
    if (multicast) await conn.joinMulticastV4(host, ifaceAddress);
  } catch (err) {
    conn.close();
    throw udpError(err, `join ${host} on ${ifaceAddress} for ${text}`);
  }
  const bound = multicast || port !== 0 ? text : `udp://${host}:${conn.addr.port}`;
  const pipe = socket.newPipe(bound);
  pipe.peer = peerInfo("RADIO", bound);
  const discard = () => {
    while (pipe.outbound.shift() !== undefined) { /* joins: the Dish filters itself */ }
  };
  pipe.outbound.onData = discard;
  socket.attachPipe(pipe);
  discard();
  let closed = false;
  const receiving = (async () => {
    const buffer = new Uint8Array(65536);
    while (!closed) {
      let data: Uint8Array;
      try {
        [data] = await conn.receive(buffer);
      } catch {
        break; // closed
      }
      if (pipe.inbound.full) continue; // as libzmq: no room, the datagram is lost
      const datagram = decodeDatagram(data.slice());
      if (datagram !== null) pipe.inbound.push([datagram.group, datagram.body]);
    }
  })();
  const stop = (): Promise<void> => {
    if (!closed) {
      closed = true;
      try {
        conn.close();
      } catch { /* already closed */ }
      pipe.terminate();
    }
    return receiving;
  };
  return { endpoint: bound, close: stop, stop };
}

/**
 * A Radio's sending socket: every message queued in the pipe goes out as
 * one datagram to the endpoint's address. Messages libzmq could not read
 * (see wire/udp_datagram.ts) are refused at `send` through `pipe.refuses`.
 */
function startSender(endpoint: UdpEndpoint, socket: TransportSocket): Connection {
  const listen = listenDatagram(`connect ${endpoint.text}`);
  const { host, port, multicast, text } = endpoint;
  requireNet(`connect ${text}`, host, port);
  // The local address to send from: the multicast interface, or loopback for a
  // loopback target (so --allow-net=127.0.0.1 is enough), else any.
  const source = multicast
    ? interfaceAddress(endpoint.networkInterface ?? "*", text)
    : host.startsWith("127.")
    ? "127.0.0.1"
    : "0.0.0.0";
  requireNet(`connect ${text}`, source, 0);
  let conn: DatagramSocket;
  try {
    // Bound to the interface's address, multicast leaves by that interface;
    // looped back so a Dish on this host hears it (libzmq's ZMQ_MULTICAST_LOOP default).
    conn = listen({ transport: "udp", hostname: source, port: 0, loopback: true });
  } catch (err) {
    throw udpError(err, `connect ${text}`);
  }
  const pipe: Pipe = socket.newPipe(text);
  pipe.peer = peerInfo("DISH", text);
  pipe.subscribeToAll = true;
  pipe.refuses = (msg: Message) => datagramProblem(msg[0], msg[1]);
  const target = { transport: "udp" as const, hostname: host, port };
  let sending = false;
  let stopped = false;
  const finish = () => {
    try {
      conn.close();
    } catch { /* already closed */ }
  };
  // One datagram per queued message, in order; after a stop, the rest of the queue, then close.
  const flush = async () => {
    if (sending) return;
    sending = true;
    for (let msg = pipe.outbound.shift(); msg !== undefined; msg = pipe.outbound.shift()) {
      if (msg.length !== 2 || datagramProblem(msg[0], msg[1]) !== null) continue;
      try {
        await conn.send(encodeDatagram(msg[0], msg[1]), target);
      } catch {
        // Lost, as a datagram may be (e.g. after an ICMP port unreachable), or closed.
      }
    }
    sending = false;
    if (stopped) finish();
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (socket.linger === 0) pipe.outbound.clear();
    void flush();
  };
  pipe.outbound.onData = () => void flush();
  pipe.onReleased = stop;
  socket.attachPipe(pipe);
  return {
    stop(): void {
      stop();
      pipe.terminate();
    },
  };
}

function udpError(err: unknown, what: string) {
  const name = err instanceof Error ? err.name : "";
  if (name === "AddrInUse") return zmqError("EADDRINUSE", `${what}: address in use`, err);
  if (name === "AddrNotAvailable") {
    return zmqError("EADDRNOTAVAIL", `${what}: address not available`, err);
  }
  if (name === "NotCapable" || name === "PermissionDenied") {
    return zmqError("EACCES", `${what}: ${(err as Error).message}`, err);
  }
  return zmqError("EINVAL", `${what}: ${err instanceof Error ? err.message : err}`, err);
}

/** The udp transport: RADIO connects, DISH binds (or connects, meaning the same). */
export const udpTransport: Transport<UdpEndpoint> = {
  scheme: "udp",
  parse: parseUdp,
  checkSocketType(type: ZmtpSocketType): void {
    if (type !== "RADIO" && type !== "DISH") {
      throw zmqError("ENOCOMPATPROTO", `udp:// is for Radio and Dish sockets, not ${type}`);
    }
  },
  bind(endpoint: UdpEndpoint, socket: TransportSocket): Promise<Binding> {
    if (socket.type !== "DISH") {
      return Promise.reject(
        zmqError("ENOCOMPATPROTO", `a ${socket.type} connects to udp:// (a Dish binds), as libzmq`),
      );
    }
    return startReceiver(endpoint, socket);
  },
  connect(endpoint: UdpEndpoint, socket: TransportSocket): Connection {
    if (socket.type !== "RADIO") {
      throw zmqError("ENOCOMPATPROTO", `a ${socket.type} binds udp:// (a Radio connects)`);
    }
    return startSender(endpoint, socket);
  },
};
