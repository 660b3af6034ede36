/**
 * Socket options: names, defaults and validation. Each option is a
 * constructor field and a read/write property of every socket.
 *
 * @module
 */

import { zmqError } from "./errors.ts";
import type { Authenticator } from "./mechanism/zap_types.ts";
import type { Context } from "./context.ts";

/** Options every socket type has (libzmq's names in camelCase, as zeromq.js). */
export interface SocketOptions {
  /** Messages queued per peer for sending before `send` waits (or drops, per type). 0: no limit. */
  sendHighWaterMark: number;
  /** Messages queued per peer for receiving before reading from it stops. 0: no limit. */
  receiveHighWaterMark: number;
  /** Ms that `close()` keeps delivering queued messages; -1: until delivered, 0: drop them. */
  linger: number;
  /** Ms that `send` waits at the high-water mark before rejecting with `EAGAIN`; -1: forever. */
  sendTimeout: number;
  /** Ms that `receive` waits before rejecting with `EAGAIN`; -1: forever. */
  receiveTimeout: number;
  /** Ms between reconnection attempts; -1: connect once, never reconnect. */
  reconnectInterval: number;
  /** Upper bound for exponential reconnection back-off; 0: no back-off. */
  reconnectMaxInterval: number;
  /**
   * When to stop reconnecting (libzmq's ZMQ_RECONNECT_STOP), bits of
   * {@link ReconnectStop}: after a refused connection, after a failed
   * handshake, or (while lingering) once `disconnect` was called. 0: never.
   */
  reconnectStop: number;
  /** Ms a new connection may take to complete its handshake; 0: no limit. */
  handshakeInterval: number;
  /** Ms between ZMTP PINGs; 0: no heartbeats. */
  heartbeatInterval: number;
  /** Ms without traffic after a PING before the connection is closed; -1: heartbeatInterval, 0: never. */
  heartbeatTimeout: number;
  /** TTL sent in PINGs: the peer closes the connection after this many ms of silence. */
  heartbeatTimeToLive: number;
  /** Largest accepted incoming message in bytes; -1: no limit. */
  maxMessageSize: number;
  /** The identity this socket announces to peers (ROUTER peers address it by this). */
  routingId: Uint8Array | string | null;
  /** Queue messages only to completed connections. */
  immediate: boolean;
  /** TCP keep-alive: -1 leaves the OS default, 0 off, 1 on. */
  tcpKeepalive: number;
  /**
   * libzmq's ZMQ_IPV6: a `tcp://*` bind listens on IPv6 and IPv4 (dual
   * stack, `tcp://[::]:port`), and an interface name binds its IPv6
   * address when it has one. IPv6 literals work either way.
   */
  ipv6: boolean;
  /**
   * Keep only the newest message in each queue (a newer one replaces it; the
   * high-water marks do not apply; a multipart message is kept whole).
   * PUSH, PULL, PUB, SUB and DEALER only, as libzmq; other types refuse it.
   */
  conflate: boolean;
  /** SOCKS5 proxy (`host:port`) that tcp connects go through; null: connect directly. */
  socksProxy: string | null;
  /** SOCKS5 user name (at most 255 bytes); set: authenticate with it and `socksPassword`. */
  socksUsername: string | null;
  /** SOCKS5 password (at most 255 bytes). */
  socksPassword: string | null;
  /**
   * Extra handshake properties (libzmq's ZMQ_METADATA), e.g. `{ "X-Region": "eu" }`:
   * names start with `X-`, values are not empty. Peers read them with `messageProperty`.
   */
  metadata: Readonly<Record<string, string>>;
  /** PLAIN: act as the server. */
  plainServer: boolean;
  /** PLAIN client: user name. */
  plainUsername: string | null;
  /** PLAIN client: password. */
  plainPassword: string | null;
  /** CURVE: act as the server (needs `curveSecretKey`). */
  curveServer: boolean;
  /** CURVE: our long-term public key (Z85 string or 32 bytes). */
  curvePublicKey: string | Uint8Array | null;
  /** CURVE: our long-term secret key (Z85 string or 32 bytes). */
  curveSecretKey: string | Uint8Array | null;
  /** CURVE client: the server's long-term public key (Z85 string or 32 bytes). */
  curveServerKey: string | Uint8Array | null;
  /** ZAP domain passed to `authenticate`. */
  zapDomain: string;
  /**
   * libzmq's ZMQ_ZAP_ENFORCE_DOMAIN: `authenticate` is asked only when
   * `zapDomain` is set (CURVE accepts clients unasked otherwise), and a
   * `zapDomain` without an `authenticate` handler refuses every peer.
   */
  zapEnforceDomain: boolean;
  /** ZAP handler deciding which peers a server socket accepts. */
  authenticate: Authenticator | null;
  /** epgm: kbit/s of original data a publisher sends at most (ZMQ_RATE). */
  rate: number;
  /** epgm: ms that sent data stays repairable, and a receiver's window (ZMQ_RECOVERY_IVL). */
  recoveryInterval: number;
  /** epgm and udp: IP time-to-live of multicast packets (ZMQ_MULTICAST_HOPS). */
  multicastHops: number;
  /** epgm: largest packet in bytes with its IP and UDP headers (ZMQ_MULTICAST_MAXTPDU). */
  multicastMaxTransportDataUnit: number;
  /** wss bind: the server's certificate chain (PEM), as libzmq's ZMQ_WSS_CERT_PEM. */
  wssCertPem: string | null;
  /** wss bind: the server's private key (PEM), as libzmq's ZMQ_WSS_KEY_PEM. */
  wssKeyPem: string | null;
  /** wss connect: a CA certificate (PEM) to trust besides the system's, as ZMQ_WSS_TRUST_PEM. */
  wssTrustPem: string | null;
  /** wss connect: the name the server's certificate must carry (default: the endpoint's host), as ZMQ_WSS_HOSTNAME. */
  wssHostname: string | null;
  /** The namespace for `inproc://` names; the default context when not given. */
  context: Context;
}

/** Bits of the `reconnectStop` option, libzmq's ZMQ_RECONNECT_STOP_* values. */
export const ReconnectStop = {
  /** Stop when a connection attempt is refused (ECONNREFUSED). */
  connectionRefused: 1,
  /** Stop when a connection ends before its handshake completed. */
  handshakeFailed: 2,
  /** Once `disconnect` was called, a lingering connection stops instead of reconnecting. */
  afterDisconnect: 4,
} as const;

/** Defaults, as libzmq's. */
export const DEFAULT_OPTIONS: Omit<SocketOptions, "context"> = {
  sendHighWaterMark: 1000,
  receiveHighWaterMark: 1000,
  linger: -1,
  sendTimeout: -1,
  receiveTimeout: -1,
  reconnectInterval: 100,
  reconnectMaxInterval: 0,
  reconnectStop: 0,
  handshakeInterval: 30000,
  heartbeatInterval: 0,
  heartbeatTimeout: -1,
  heartbeatTimeToLive: 0,
  maxMessageSize: -1,
  routingId: null,
  immediate: false,
  tcpKeepalive: -1,
  conflate: false,
  ipv6: false,
  socksProxy: null,
  socksUsername: null,
  socksPassword: null,
  metadata: {},
  plainServer: false,
  plainUsername: null,
  plainPassword: null,
  curveServer: false,
  curvePublicKey: null,
  curveSecretKey: null,
  curveServerKey: null,
  zapDomain: "",
  zapEnforceDomain: false,
  authenticate: null,
  rate: 100,
  recoveryInterval: 10000,
  multicastHops: 1,
  multicastMaxTransportDataUnit: 1500,
  wssCertPem: null,
  wssKeyPem: null,
  wssTrustPem: null,
  wssHostname: null,
};

/**
 * What a socket type gives the base constructor: a default for every
 * option it adds, and for any common option whose default it changes
 * (SUB's `linger` is 0). The base sets these, then the user's options, and
 * accepts no other option name.
 */
export type TypeDefaults<O extends SocketOptions = SocketOptions> =
  & Omit<O, keyof SocketOptions>
  & Partial<Omit<SocketOptions, "context">>;

/**
 * Copies constructor options onto a socket. Unknown names are refused with
 * `EINVAL`, so a typo does not silently fall back to a default.
 */
export function applyOptions(
  target: object,
  options: object | undefined,
  known: Set<string>,
): void {
  if (options === undefined || options === null) return;
  for (const [name, value] of Object.entries(options)) {
    if (name === "context") continue;
    if (!known.has(name)) throw zmqError("EINVAL", `unknown socket option "${name}"`);
    if (value !== undefined) (target as Record<string, unknown>)[name] = value;
  }
}

/**
 * Checks the `metadata` option as libzmq checks ZMQ_METADATA: each name
 * starts with `X-` and has more after it (at most 255 bytes in all), each
 * value is a non-empty string. Returns a frozen copy.
 */
export function checkMetadata(
  properties: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (properties === null || typeof properties !== "object") {
    throw zmqError("EINVAL", "metadata must be an object of X- names and string values");
  }
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties)) {
    if (
      !name.startsWith("X-") || name.length < 3 || name.length > 255 || !/^[\x21-\x7e]+$/.test(name)
    ) {
      throw zmqError(
        "EINVAL",
        `metadata name "${name}" must start with "X-" (as libzmq's ZMQ_METADATA)`,
      );
    }
    if (typeof value !== "string" || value.length === 0) {
      throw zmqError("EINVAL", `metadata "${name}" needs a non-empty string value`);
    }
    copy[name] = value;
  }
  return Object.freeze(copy);
}
