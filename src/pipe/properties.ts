/**
 * Message properties (libzmq's `zmq_msg_gets`): what the handshake said
 * about the peer a received message came from.
 *
 * A message does not carry its connection. Instead, the engine records the
 * connection's properties against the storage (`ArrayBuffer`) its frames
 * are decoded into: one entry per read buffer, not per message, so a
 * connection pays nothing per message for it. A message is looked up by
 * the storage of its last frame, which every socket type leaves as the peer
 * sent it (ROUTER prepends, REQ strips, envelope frames only).
 *
 * @module
 */

import type { PeerInfo } from "./pipe.ts";

/** What one connection answers, built on first use. */
class ConnectionProperties {
  private table: Map<string, string> | null = null;

  constructor(private readonly peer: PeerInfo) {}

  get(name: string): string | undefined {
    if (this.table === null) this.table = propertyTable(this.peer);
    return this.table.get(name.toLowerCase());
  }
}

const byStorage = new WeakMap<ArrayBufferLike, ConnectionProperties>();

/**
 * Records, for one connection, which storage its received frames live in.
 * The engine calls it with each new read buffer and each frame it gives
 * storage of its own; `tagger` remembers the last buffer, so a buffer that
 * serves many reads is recorded once.
 */
export class StorageTagger {
  private last: ArrayBufferLike | null = null;
  private readonly properties: ConnectionProperties;

  /** @param peer what the handshake told us of the peer */
  constructor(peer: PeerInfo) {
    this.properties = new ConnectionProperties(peer);
  }

  /** Records `storage` as holding frames from this connection. */
  tag(storage: ArrayBufferLike): void {
    if (storage === this.last) return;
    this.last = storage;
    byStorage.set(storage, this.properties);
  }
}

/**
 * A property of the peer a received message came from, as libzmq's
 * `zmq_msg_gets`: `Socket-Type`, `Identity` (when the peer sent one),
 * `Peer-Address` (the IP address alone; tcp only), `User-Id` (given by
 * `authenticate`), any property the peer sent with its `metadata` option
 * (`X-` names), and what `authenticate` put in `ZapReply.metadata`.
 * Names are case-insensitive. Undefined when the peer did not send it, and
 * for messages that did not come over a ZMTP connection (inproc).
 *
 * Pass the message as `receive()` returned it, or its last frame.
 *
 * @example
 * ```ts
 * import { messageProperty, Pull } from "@zmtp/zmq";
 * const pull = new Pull();
 * // ... after a peer connected and sent something:
 * // const msg = await pull.receive();
 * // messageProperty(msg, "Socket-Type") === "PUSH"
 * // messageProperty(msg, "Peer-Address") === "127.0.0.1"
 * pull.close();
 * ```
 */
export function messageProperty(
  message: readonly Uint8Array[] | Uint8Array,
  name: string,
): string | undefined {
  const last = message instanceof Uint8Array ? message : message[message.length - 1];
  if (last === undefined) return undefined;
  return byStorage.get(last.buffer)?.get(name);
}

/** Every property of a connection, by lower-case name; later sources win, as in libzmq. */
function propertyTable(peer: PeerInfo): Map<string, string> {
  const table = new Map<string, string>();
  const decoder = new TextDecoder();
  for (const [name, value] of peer.metadata) table.set(name, decoder.decode(value));
  const ip = peerIp(peer.address);
  if (ip !== undefined) table.set("peer-address", ip);
  if (peer.userId !== undefined) table.set("user-id", peer.userId);
  for (const [name, value] of Object.entries(peer.zapMetadata ?? {})) {
    table.set(name.toLowerCase(), value);
  }
  return table;
}

/** The IP address of a `tcp://host:port` peer address (IPv6 without brackets). */
function peerIp(address: string): string | undefined {
  if (!address.startsWith("tcp://")) return undefined;
  const hostPort = address.slice("tcp://".length);
  const host = hostPort.slice(0, hostPort.lastIndexOf(":"));
  return host.startsWith("[") ? host.slice(1, -1) : host;
}
