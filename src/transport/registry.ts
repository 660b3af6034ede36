/**
 * The transport registry: one {@link Transport} per endpoint scheme. A
 * socket hands `bind`/`connect` the endpoint text; the registry finds the
 * transport, which parses the address, checks the socket type, and binds
 * or connects. Nothing above this layer names a scheme.
 *
 * ## Adding a transport (ws, wss, udp, epgm, …)
 *
 * 1. Write one file, `src/transport/<scheme>.ts`, exporting a
 *    `Transport<YourEndpoint>`:
 *    - `parse(address, text, forBind)`: the part after `scheme://`; throw
 *      `EINVAL` for a malformed address. Return an object with
 *      `transport: "<scheme>"`, `text` (the endpoint as given) and whatever
 *      your bind/connect need.
 *    - `checkSocketType(type)`: throw (libzmq's `ENOCOMPATPROTO`, e.g. udp
 *      is for RADIO/DISH only, epgm for PUB/XPUB/SUB/XSUB) when a socket of
 *      that type may not use the transport; do nothing otherwise.
 *    - `bind(endpoint, socket)`: start listening; resolve with a
 *      {@link Binding} (its `endpoint` is what `lastEndpoint` reports, e.g.
 *      with the real port). Reject with `EACCES` naming the missing runtime
 *      flag (see permissions.ts).
 *    - `connect(endpoint, socket)`: start connecting in the background and
 *      return a {@link Connection}; throw at once for what retrying cannot
 *      fix (a missing permission).
 * 2. Add it to {@link TRANSPORTS} below. That is all: `SocketBase`, the
 *    socket types and the sessions need no change.
 *
 * Three ways to build bind/connect, from least to most work:
 * - **A byte stream** (tcp, ipc; a Node or Bun socket): give
 *   {@link streamTransport} (stream.ts) a `listen` that accepts
 *   {@link Link}s and a `dial` that makes one; wrap each connection with
 *   `streamLink(stream, peerAddress)`, where `stream` is a
 *   {@link ByteStream}. Sessions, reconnection, linger and the engine
 *   (ZMTP, or raw bytes for STREAM) come for free.
 * - **A message transport with its own engine** (WebSocket: one ZMTP frame
 *   per WebSocket message): still use `streamTransport`, but hand the
 *   sessions a {@link Link} whose `start(socket, handler)` builds your engine
 *   (implementing `SessionEngine`) from `socket.engineConfig(address)`
 *   (socket type, a fresh mechanism, heartbeat settings) instead of calling
 *   `socket.createEngine(stream, …)`. Sessions and reconnection still come
 *   for free.
 * - **Its own session** (udp, epgm: datagrams, no connection): implement
 *   `bind`/`connect` directly. Make a pipe with `socket.newPipe(text)`,
 *   fill `pipe.peer`, give it to the socket with `socket.attachPipe(pipe)`,
 *   move whole messages between the pipe's queues and your datagrams, and
 *   when you stop, `pipe.terminate()`. Report monitor events with
 *   `socket.emit`. Your Binding/Connection ends all of it.
 *
 * Runtime-specific code (anything naming `Deno`, `node:*`, `Bun`) stays in
 * src/transport/, and is reached only when the transport is used, so the
 * module still loads in a browser.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { SessionOwner } from "../session/session.ts";
import type { ZmtpSocketType } from "../wire/socket_types.ts";
import type { Context } from "../context.ts";
import type { InprocSocket } from "./inproc.ts";
import { epgmTransport, pgmTransport } from "./epgm.ts";
import { inprocTransport } from "./inproc.ts";
import { ipcTransport } from "./ipc.ts";
import type { SocksOptions } from "./socks.ts";
import { tcpTransport } from "./tcp.ts";
import { udpTransport } from "./udp.ts";
import { wsPlainTransport, wssTransport } from "./ws.ts";
export type { ByteStream } from "./byte_stream.ts";
export type { Link, Listener } from "./link.ts";

/** A parsed endpoint; each transport adds the fields it needs. */
export interface Endpoint {
  /** The scheme, e.g. `tcp`. */
  readonly transport: string;
  /** The endpoint as the user wrote it. */
  readonly text: string;
}

/** What a transport may use of the socket that binds or connects. */
export interface TransportSocket extends SessionOwner, InprocSocket, SocksOptions {
  /** libzmq's ZMQ_IPV6: `*` binds both IPv4 and IPv6. */
  readonly ipv6: boolean;
  readonly type: ZmtpSocketType;
  /** The socket's context: what in-process transports share. */
  readonly context: Context;
  /** Throws `EINVAL` when the security options cannot work (for transports that run a mechanism). */
  checkSecurity(): void;
  /** Largest accepted frame (for transports that decode frames themselves). */
  readonly maxMessageSize: number;
  /** Multicast options (epgm): the socket options of the same names. */
  readonly rate: number;
  readonly recoveryInterval: number;
  readonly multicastHops: number;
  readonly multicastMaxTransportDataUnit: number;
}

/** A listening endpoint of one socket. */
export interface Binding {
  /** The endpoint as bound, e.g. with the real port for `tcp://*:0`; `lastEndpoint` reports it. */
  readonly endpoint: string;
  /**
   * Stops listening and releases the peers accepted there (after
   * lingering). Resolves once the address can be bound again.
   */
  close(): Promise<void>;
}

/** One `connect` of one socket: connecting, connected or reconnecting. */
export interface Connection {
  /** Stops connecting and releases the peer (its queued messages linger as the socket says). */
  stop(): void;
}

/** One endpoint scheme; see the module documentation for how to add one. */
export interface Transport<E extends Endpoint = Endpoint> {
  /** The scheme before `://`. */
  readonly scheme: string;
  /**
   * Parses the address after `scheme://`. `forBind` allows wildcards.
   * @throws {ZmqError} `EINVAL` for a malformed address.
   */
  parse(address: string, text: string, forBind: boolean): E;
  /**
   * Throws when a socket of `type` may not use this transport (libzmq's
   * `check_protocol`).
   */
  checkSocketType(type: ZmtpSocketType): void;
  /** Listens on `endpoint` for `socket`. */
  bind(endpoint: E, socket: TransportSocket): Promise<Binding>;
  /** Starts connecting `socket` to `endpoint` in the background. */
  connect(endpoint: E, socket: TransportSocket): Connection;
}

/** Every transport, by scheme. A new transport is one entry here. */
const TRANSPORTS: ReadonlyMap<string, Transport> = new Map<string, Transport>([
  [tcpTransport.scheme, tcpTransport],
  [ipcTransport.scheme, ipcTransport],
  [inprocTransport.scheme, inprocTransport],
  [udpTransport.scheme, udpTransport],
  [epgmTransport.scheme, epgmTransport],
  [pgmTransport.scheme, pgmTransport],
  [wsPlainTransport.scheme, wsPlainTransport],
  [wssTransport.scheme, wssTransport],
]);

/** An endpoint with the transport that carries it. */
export interface ResolvedEndpoint {
  transport: Transport;
  endpoint: Endpoint;
}

/**
 * Finds the transport of `text` (`scheme://address`) and parses the address.
 * @throws {ZmqError} `EINVAL` for a malformed endpoint, `EPROTONOSUPPORT` for an unknown scheme.
 */
export function resolveEndpoint(text: string, forBind: boolean): ResolvedEndpoint {
  if (typeof text !== "string") throw zmqError("EINVAL", `endpoint must be a string`);
  const sep = text.indexOf("://");
  if (sep <= 0) {
    throw zmqError("EINVAL", `malformed endpoint "${text}": expected transport://address`);
  }
  const scheme = text.slice(0, sep);
  const transport = TRANSPORTS.get(scheme);
  if (transport === undefined) {
    throw zmqError(
      "EPROTONOSUPPORT",
      `unsupported transport "${scheme}" in "${text}" (use ${[...TRANSPORTS.keys()].join(", ")})`,
    );
  }
  return { transport, endpoint: transport.parse(text.slice(sep + 3), text, forBind) };
}
