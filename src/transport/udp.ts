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
 *   the interface is the address it sends from, with `multicastHops` as the
 *   TTL) and sends every group: the Dish filters. A Radio cannot bind udp (`ENOCOMPATPROTO`), nor can any
 *   other socket type use it.
 * - IPv4 only, as libzmq's udp. Deno's UDP API is unstable: without
 *   `--unstable-net` bind/connect fail with `ENOTSUP` naming the flag;
 *   without the network permission, with `EACCES` naming `--allow-net`.
 *   On Node and Bun the sockets are node:dgram's (see datagram.ts), which
 *   bind in the background: a Radio that cannot bind its source address
 *   reports `connect:delay` with the error (libzmq's connect does not fail
 *   either), where Deno throws at `connect`.
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
import {
  datagramError,
  datagramRuntime,
  hasDenoDatagrams,
  interfaceIpv4,
  openDatagram,
} from "./datagram.ts";
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

/**
 * Throws `ENOTSUP` where udp:// cannot run: a browser, or Deno without its
 * unstable UDP API (naming the flag that enables it).
 */
function checkRuntime(what: string): void {
  const runtime = datagramRuntime();
  if (runtime === "none") {
    throw zmqError("ENOTSUP", `${what}: udp:// needs UDP sockets, which this runtime lacks`);
  }
  if (runtime === "deno" && !hasDenoDatagrams()) {
    throw zmqError(
      "ENOTSUP",
      `${what}: udp:// needs Deno's unstable UDP API: run with --unstable-net`,
    );
  }
}

/** The IPv4 address of an interface given as an address, a name (`lo`, `eth0`) or `*`. */
function interfaceAddress(name: string, text: string): string {
  if (name === "*") return "0.0.0.0";
  if (isIpv4(name)) return name;
  let found: string | undefined;
  try {
    found = interfaceIpv4(name);
  } catch (err) {
    // Only Deno refuses to list the interfaces.
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
  checkRuntime(`bind ${endpoint.text}`);
  const { host, port, multicast, text } = endpoint;
  requireNet(`bind ${text}`, multicast ? "0.0.0.0" : host, port);
  const ifaceAddress = multicast ? interfaceAddress(endpoint.networkInterface ?? "*", text) : "";
  const conn = openDatagram(
    { hostname: multicast ? "0.0.0.0" : host, port, reuseAddress: multicast },
    `bind ${text}`,
  );
  try {
    await conn.ready;
  } catch (err) {
    conn.close();
    throw err;
  }
  try {
    if (multicast) await conn.joinGroup(host, ifaceAddress);
  } catch (err) {
    conn.close();
    throw datagramError(err, `join ${host} on ${ifaceAddress} for ${text}`);
  }
  const bound = multicast || port !== 0 ? text : `udp://${host}:${conn.localPort()}`;
  const pipe = socket.newPipe(bound);
  pipe.peer = peerInfo("RADIO", bound);
  const discard = () => {
    while (pipe.outbound.shift() !== undefined) { /* joins: the Dish filters itself */ }
  };
  pipe.outbound.onData = discard;
  socket.attachPipe(pipe);
  discard();
  let closed = false;
  const receiving = conn.listen((data, _from, transient) => {
    if (closed || pipe.inbound.full) return; // as libzmq: no room, the datagram is lost
    const datagram = decodeDatagram(transient ? data.slice() : data);
    if (datagram !== null) pipe.inbound.push([datagram.group, datagram.body]);
  }, new Uint8Array(65536));
  const stop = (): Promise<void> => {
    if (!closed) {
      closed = true;
      conn.close();
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
  checkRuntime(`connect ${endpoint.text}`);
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
  const hops = socket.multicastHops;
  if (multicast && !(Number.isInteger(hops) && hops >= 1 && hops <= 255)) {
    throw zmqError("EINVAL", `multicastHops must be an integer from 1 to 255, not ${hops}`);
  }
  // Bound to the interface's address, multicast leaves by that interface;
  // looped back so a Dish on this host hears it (libzmq's ZMQ_MULTICAST_LOOP default).
  const conn = openDatagram({ hostname: source, port: 0, loopback: true }, `connect ${text}`);
  // Multicast goes out with multicastHops as its TTL, as libzmq's udp engine sets it.
  // node:dgram binds in the background: a failure there is reported as libzmq reports
  // a failed connect, and the messages queued meanwhile are lost with the socket.
  const prepared = conn.ready.then(() =>
    multicast ? conn.sendMulticast(host, source, hops) : undefined
  ).catch((err) => {
    const error = datagramError(err, `connect ${text}`);
    socket.emit({ type: "connect:delay", address: text, error });
  });
  let bound = false;
  const pipe: Pipe = socket.newPipe(text);
  pipe.peer = peerInfo("DISH", text);
  pipe.subscribeToAll = true;
  pipe.refuses = (msg: Message) => datagramProblem(msg[0], msg[1]);
  let sending = false;
  let stopped = false;
  // One datagram per queued message, in order; after a stop, the rest of the queue, then close.
  const flush = async () => {
    if (sending) return;
    sending = true;
    if (!bound) {
      await prepared;
      bound = true;
    }
    for (let msg = pipe.outbound.shift(); msg !== undefined; msg = pipe.outbound.shift()) {
      if (msg.length !== 2 || datagramProblem(msg[0], msg[1]) !== null) continue;
      try {
        await conn.send(encodeDatagram(msg[0], msg[1]), host, port);
      } catch {
        // Lost, as a datagram may be (e.g. after an ICMP port unreachable), or closed.
      }
    }
    sending = false;
    if (stopped) conn.close();
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
