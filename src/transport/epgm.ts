/**
 * epgm:// — PGM (RFC 3208) in UDP datagrams, as libzmq with OpenPGM
 * speaks it: `epgm://interface;group:port`. Every PGM packet is a UDP
 * datagram to the endpoint port: data, SPMs and NCFs to the group, NAKs
 * and SPMRs to the source's address. Publisher and XPublisher send,
 * Subscriber and XSubscriber receive; bind and connect mean the same.
 *
 * The sockets are Deno's (`Deno.listenDatagram`, behind `--unstable-net`)
 * or, on Node and Bun, node:dgram's (see datagram.ts). Each process
 * hears a port through one socket bound to 0.0.0.0 with SO_REUSEADDR and
 * joined to the groups on their interfaces, shared by every epgm endpoint
 * of the process on that port (the kernel would hand a unicast NAK to one
 * of several sockets only). Each endpoint sends from its own socket bound
 * to the interface address, which picks the interface for multicast (Deno
 * has no IP_MULTICAST_IF; node:dgram sets it too), with the TTL from
 * `multicastHops`. `pgm://` (raw IP, protocol 113) needs raw sockets, which
 * Deno cannot open.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { PgmLink } from "../session/pgm_link.ts";
import { PgmSession } from "../session/pgm_session.ts";
import type { ZmtpSocketType } from "../wire/socket_types.ts";
import {
  datagramError,
  datagramRuntime,
  type DatagramSocket,
  hasDenoDatagrams,
  interfaceIpv4,
  openDatagram,
} from "./datagram.ts";
import type { Binding, Connection, Transport, TransportSocket } from "./registry.ts";

/** A parsed epgm endpoint. */
export interface EpgmEndpoint {
  transport: "epgm";
  text: string;
  /** The interface as written: an IPv4 address or a name such as `eth0`. */
  interface: string;
  /** The IPv4 multicast group. */
  group: string;
  port: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

function isMulticast(address: string): boolean {
  const first = Number(address.split(".")[0]);
  return isIpv4(address) && first >= 224 && first <= 239;
}

/**
 * Parses `interface;group:port`.
 * @throws {ZmqError} `EINVAL` for a malformed address.
 */
export function parseEpgm(address: string, text: string): EpgmEndpoint {
  const semicolon = address.indexOf(";");
  const colon = address.lastIndexOf(":");
  if (semicolon <= 0 || colon < semicolon) {
    throw zmqError("EINVAL", `epgm endpoint "${text}" must be epgm://interface;group:port`);
  }
  const iface = address.slice(0, semicolon);
  const group = address.slice(semicolon + 1, colon);
  const portText = address.slice(colon + 1);
  if (!isMulticast(group)) {
    throw zmqError(
      "EINVAL",
      `"${group}" in "${text}" is not an IPv4 multicast group (224.0.0.0/4)`,
    );
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw zmqError("EINVAL", `epgm endpoint "${text}" needs a port from 1 to 65535`);
  }
  if (!/^[\w.:-]+$/.test(iface)) throw zmqError("EINVAL", `bad interface "${iface}" in "${text}"`);
  return { transport: "epgm", text, interface: iface, group, port };
}

/** Libzmq's rule: PGM carries PUB/XPUB to SUB/XSUB only. */
function checkSocketType(type: ZmtpSocketType): void {
  if (type === "PUB" || type === "XPUB" || type === "SUB" || type === "XSUB") return;
  throw zmqError("ENOCOMPATPROTO", `epgm carries PUB/XPUB to SUB/XSUB only, not ${type}`);
}

/**
 * Throws where epgm cannot run: a browser (`ENOTSUP`), or Deno without its
 * unstable UDP API (`EACCES` naming the flag).
 */
function checkRuntime(what: string): void {
  const runtime = datagramRuntime();
  if (runtime === "none") {
    throw zmqError("ENOTSUP", `${what}: epgm needs UDP sockets, which this runtime lacks`);
  }
  if (runtime === "deno" && !hasDenoDatagrams()) {
    throw zmqError(
      "EACCES",
      `${what} needs Deno's UDP API, which is unstable: run with --unstable-net`,
    );
  }
}

/** False only where Deno says the permission is not granted (no permission model elsewhere). */
function granted(descriptor: Deno.PermissionDescriptor): boolean {
  const permissions = (globalThis as { Deno?: typeof Deno }).Deno?.permissions;
  try {
    return permissions === undefined || permissions.querySync(descriptor).state === "granted";
  } catch {
    return true;
  }
}

/**
 * PGM sends NAKs to whichever source it hears, at an address only that
 * source's SPMs tell: an allow-list cannot name it in advance.
 */
function requireNetwork(what: string): void {
  if (granted({ name: "net" })) return;
  throw zmqError(
    "EACCES",
    `${what} needs network access to any host (NAKs go to each source's own address): ` +
      `run with --allow-net`,
    new Deno.errors.NotCapable(
      `Requires net access, run again with the --allow-net flag`,
    ),
  );
}

/** The IPv4 address of an interface given by address or by name. */
function interfaceAddress(ep: EpgmEndpoint, what: string): string {
  if (isIpv4(ep.interface)) return ep.interface;
  if (!granted({ name: "sys", kind: "networkInterfaces" })) {
    throw zmqError(
      "EACCES",
      `${what} names interface "${ep.interface}", which needs the interface list: ` +
        `run with --allow-sys=networkInterfaces (or give its IPv4 address)`,
    );
  }
  const found = interfaceIpv4(ep.interface);
  if (found === undefined) {
    throw zmqError("EINVAL", `no IPv4 interface "${ep.interface}" for "${ep.text}"`);
  }
  return found;
}

/** One receiving socket per port per process, shared by every epgm endpoint on it. */
class SharedPort {
  readonly listeners = new Set<(packet: Uint8Array, from: string) => void>();
  readonly #memberships = new Map<string, { joined: Promise<void>; refs: number }>();
  #closed = false;

  constructor(readonly port: number, readonly socket: DatagramSocket) {
    void socket.listen((packet, from) => {
      for (const listener of this.listeners) listener(packet, from);
    });
  }

  /** Joins `group` on the interface (once per pair, counted). */
  join(group: string, iface: string): Promise<void> {
    const key = `${group}/${iface}`;
    let entry = this.#memberships.get(key);
    if (entry === undefined) {
      entry = {
        joined: this.socket.ready.then(() => this.socket.joinGroup(group, iface)),
        refs: 0,
      };
      this.#memberships.set(key, entry);
    }
    entry.refs++;
    return entry.joined;
  }

  leave(group: string, iface: string): void {
    const key = `${group}/${iface}`;
    const entry = this.#memberships.get(key);
    if (entry === undefined || --entry.refs > 0) return;
    this.#memberships.delete(key);
    entry.joined.then(() => this.socket.leaveGroup(group, iface)).catch(() => {});
  }

  get idle(): boolean {
    return this.listeners.size === 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.close();
  }
}

const sharedPorts = new Map<number, SharedPort>();

function sharedPort(port: number, what: string): SharedPort {
  let shared = sharedPorts.get(port);
  if (shared === undefined) {
    const socket = openDatagram({ hostname: "0.0.0.0", port, reuseAddress: true }, what);
    shared = new SharedPort(port, socket);
    sharedPorts.set(port, shared);
  }
  return shared;
}

/** Sends ahead of the kernel at most this many datagrams before dropping (the link is lossy anyway). */
const MAX_SENDS_IN_FLIGHT = 4096;

/** A {@link PgmLink} over UDP sockets (Deno's or node:dgram's). */
class UdpPgmLink implements PgmLink {
  onPacket: ((packet: Uint8Array, from: string) => void) | null = null;
  readonly #shared: SharedPort;
  readonly #send: DatagramSocket;
  readonly #listener = (packet: Uint8Array, from: string) => this.onPacket?.(packet, from);
  #inFlight = 0;
  #closed = false;

  private constructor(
    readonly interfaceAddress: string,
    readonly group: string,
    readonly port: number,
    shared: SharedPort,
    send: DatagramSocket,
  ) {
    this.#shared = shared;
    this.#send = send;
    shared.listeners.add(this.#listener);
  }

  static async open(
    iface: string,
    group: string,
    port: number,
    hops: number,
    what: string,
  ): Promise<UdpPgmLink> {
    const shared = sharedPort(port, what);
    let send: DatagramSocket | null = null;
    try {
      await shared.join(group, iface);
      send = openDatagram({ hostname: iface, port: 0 }, what);
      await send.ready;
      // Unlike OpenPGM, loop back to this host: a publisher and subscriber
      // of this library in one process or network namespace hear each other.
      await send.sendMulticast(group, iface, hops);
    } catch (err) {
      send?.close();
      shared.leave(group, iface);
      if (shared.idle) {
        shared.close();
        sharedPorts.delete(port);
      }
      throw err;
    }
    return new UdpPgmLink(iface, group, port, shared, send);
  }

  multicast(packet: Uint8Array): void {
    this.#sendTo(packet, this.group);
  }

  unicast(packet: Uint8Array, address: string): void {
    this.#sendTo(packet, address);
  }

  #sendTo(packet: Uint8Array, address: string): void {
    if (this.#closed || this.#inFlight >= MAX_SENDS_IN_FLIGHT) return;
    this.#inFlight++;
    this.#send.send(packet, address, this.port).then(
      () => this.#inFlight--,
      () => this.#inFlight--, // a lost datagram: PGM repairs it
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const shared = this.#shared;
    shared.listeners.delete(this.#listener);
    shared.leave(this.group, this.interfaceAddress);
    if (shared.idle) {
      shared.close();
      sharedPorts.delete(this.port);
    }
    // Let queued sends (the closing SPMs) go out first.
    const send = this.#send;
    const closeWhenSent = () => this.#inFlight === 0 ? send.close() : setTimeout(closeWhenSent, 1);
    closeWhenSent();
  }
}

function sends(type: ZmtpSocketType): boolean {
  return type === "PUB" || type === "XPUB";
}

function checkOptions(socket: TransportSocket): void {
  const positive = (name: string, value: number) => {
    if (!Number.isInteger(value) || value <= 0) {
      throw zmqError("EINVAL", `${name} must be a positive integer, not ${value}`);
    }
  };
  positive("rate", socket.rate);
  positive("multicastHops", socket.multicastHops);
  if (!Number.isInteger(socket.recoveryInterval) || socket.recoveryInterval < 0) {
    throw zmqError(
      "EINVAL",
      `recoveryInterval must be 0 or more ms, not ${socket.recoveryInterval}`,
    );
  }
  const tpdu = socket.multicastMaxTransportDataUnit;
  if (!Number.isInteger(tpdu) || tpdu < 128 || tpdu > 65535) {
    throw zmqError(
      "EINVAL",
      `multicastMaxTransportDataUnit must be 128 to 65535 bytes, not ${tpdu}`,
    );
  }
  if (socket.multicastHops > 255) throw zmqError("EINVAL", `multicastHops must be at most 255`);
}

/** Opens the endpoint's link and starts its session. */
async function open(ep: EpgmEndpoint, socket: TransportSocket, what: string): Promise<PgmSession> {
  checkOptions(socket);
  checkRuntime(what);
  requireNetwork(what);
  const iface = interfaceAddress(ep, what);
  let link: UdpPgmLink;
  try {
    link = await UdpPgmLink.open(iface, ep.group, ep.port, socket.multicastHops, what);
  } catch (err) {
    const error = datagramError(err, ep.text);
    if (error.code === "EADDRNOTAVAIL") {
      throw zmqError("EADDRNOTAVAIL", `${ep.text}: ${iface} is not an address of this host`, err);
    }
    throw error;
  }
  return new PgmSession(socket, ep.text, link, sends(socket.type));
}

/** The epgm transport (bind and connect alike, as in libzmq). */
export const epgmTransport: Transport<EpgmEndpoint> = {
  scheme: "epgm",
  parse: (address, text) => parseEpgm(address, text),
  checkSocketType,
  async bind(ep, socket): Promise<Binding> {
    const session = await open(ep, socket, `bind ${ep.text}`);
    return { endpoint: ep.text, close: () => session.stop() };
  },
  connect(ep, socket): Connection {
    const what = `connect ${ep.text}`;
    // What cannot be retried fails at once; the sockets open in the background.
    checkOptions(socket);
    checkRuntime(what);
    requireNetwork(what);
    interfaceAddress(ep, what);
    let session: PgmSession | null = null;
    let stopped = false;
    open(ep, socket, what).then(
      (s) => {
        session = s;
        if (stopped) void s.stop();
        else socket.emit({ type: "connect", address: ep.text });
      },
      (err) => socket.emit({ type: "connect:delay", address: ep.text, error: err as Error }),
    );
    return {
      stop() {
        stopped = true;
        void session?.stop();
      },
    };
  },
};

/** pgm:// is the same protocol straight over IP, which needs raw sockets. */
export const pgmTransport: Transport<EpgmEndpoint> = {
  scheme: "pgm",
  parse(_address, text) {
    throw zmqError(
      "EPROTONOSUPPORT",
      `"${text}": pgm:// sends PGM straight over IP (protocol 113), which needs raw sockets, and ` +
        `Deno cannot open raw IP sockets; epgm:// is the same protocol over UDP ` +
        `(libzmq and OpenPGM speak it too)`,
    );
  },
  checkSocketType,
  bind: () => Promise.reject(zmqError("EPROTONOSUPPORT", "pgm:// is not supported")),
  connect: () => {
    throw zmqError("EPROTONOSUPPORT", "pgm:// is not supported");
  },
};
