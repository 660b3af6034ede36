/**
 * A pipe is everything a socket knows of one peer: a queue of messages from
 * the peer, a queue of messages to it, and what the handshake said about it.
 *
 * Over tcp/ipc an engine sits at the far end of both queues. Over inproc two
 * sockets hold two pipes that share the same two queues crosswise, so a
 * message goes from one socket to the other with nothing in between.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { Metadata } from "../wire/metadata.ts";
import { MessageQueue } from "./queue.ts";

/** What the handshake told us about the peer. */
export interface PeerInfo {
  /** The peer's ZMTP `Socket-Type`. */
  socketType: string;
  /** The peer's `Identity` property (empty when it sent none). */
  identity: Uint8Array;
  /** Every property the peer sent, keyed by lower-case name. */
  metadata: Metadata;
  /** The peer's transport address, e.g. `tcp://127.0.0.1:5555`. */
  address: string;
  /** ZMTP minor version of the peer (0 for ZMTP 3.0, 1 for 3.1). */
  zmtpMinor: number;
  /** The user id a ZAP handler gave this peer, if any. */
  userId?: string;
  /** Properties a ZAP handler gave this peer (`ZapReply.metadata`), if any. */
  zapMetadata?: Readonly<Record<string, string>>;
}

/** Queue items: a message, or a subscription change travelling as a message. */
export type PipeItem = Message;

/** One peer as a socket sees it; see the module documentation. */
export class Pipe {
  /** Messages from the peer; the socket is the reader. */
  readonly inbound: MessageQueue<PipeItem>;
  /** Messages to the peer; the socket is the writer. */
  readonly outbound: MessageQueue<PipeItem>;
  /** Filled in when the handshake completes (inproc: at connect). */
  peer: PeerInfo | null = null;
  /** Set by routing strategies that address pipes by id (ROUTER). */
  routingId: Uint8Array | null = null;
  /** True while the socket's fair queue holds this pipe among those it reads (see FairQueue). */
  readActive = false;
  /** True once the socket stopped using this pipe. */
  detached = false;
  /**
   * Set by a transport whose peers cannot say what they want (udp, epgm):
   * a RADIO sends such a pipe every group, a PUB every message (libzmq's
   * subscribe_to_all).
   */
  subscribeToAll = false;
  /**
   * Set by a transport that cannot carry every message (udp: short groups,
   * small datagrams): why `msg` cannot go out, or null when it can. The
   * socket type refuses such a send instead of losing the message.
   */
  refuses: ((msg: Message) => string | null) | null = null;
  /** Set by the socket: the transport under the pipe was re-established (libzmq's hiccup). */
  onReconnect: (() => void) | null = null;
  /** Set by the socket: {@link peer} was filled in (a handshake completed; again after each reconnection). */
  onPeer: (() => void) | null = null;
  /**
   * Set by the socket: a connection under this pipe completed its handshake
   * (tcp, ipc, ws; again after each reconnection). Not called for inproc.
   */
  onConnected: (() => void) | null = null;
  /**
   * Set by the socket: the peer's connection ended by itself after its
   * handshake (the engine failed, or the inproc peer left); libzmq's cue
   * for ZMQ_DISCONNECT_MSG, ZMQ_HICCUP_MSG and ZMQ_ROUTER_NOTIFY.
   */
  onDisconnected: (() => void) | null = null;
  /** True for a pipe this socket's `connect` made (libzmq's locally initiated). */
  locallyInitiated = false;
  /** True for an inproc pipe: its far end is a socket, not an engine. */
  inproc = false;
  /** Set by the socket: the far end went away for good. */
  onTerminated: (() => void) | null = null;
  /** Set by the far end (engine session or inproc partner): the socket let go of the pipe. */
  onReleased: (() => void) | null = null;
  /** Free slot for the socket type that owns the pipe. */
  state: unknown = undefined;

  /**
   * @param endpoint the endpoint this pipe came from (as given to bind/connect)
   * @param inbound queue of messages from the peer
   * @param outbound queue of messages to the peer
   */
  constructor(
    readonly endpoint: string,
    inbound: MessageQueue<PipeItem>,
    outbound: MessageQueue<PipeItem>,
  ) {
    this.inbound = inbound;
    this.outbound = outbound;
  }

  /** A pipe whose far end is an engine: two fresh queues. */
  static forEngine(endpoint: string, receiveHwm: number, sendHwm: number): Pipe {
    return new Pipe(endpoint, new MessageQueue(receiveHwm), new MessageQueue(sendHwm));
  }

  /**
   * Two pipes for two sockets in one process. libzmq sizes an inproc queue
   * as the sender's send HWM plus the receiver's receive HWM; so do we.
   */
  static pair(
    endpoint: string,
    a: { sendHwm: number; receiveHwm: number },
    b: { sendHwm: number; receiveHwm: number },
  ): [Pipe, Pipe] {
    const sum = (x: number, y: number) => (x === 0 || y === 0 ? 0 : x + y);
    const aToB = new MessageQueue<PipeItem>(sum(a.sendHwm, b.receiveHwm));
    const bToA = new MessageQueue<PipeItem>(sum(b.sendHwm, a.receiveHwm));
    const pipes: [Pipe, Pipe] = [new Pipe(endpoint, bToA, aToB), new Pipe(endpoint, aToB, bToA)];
    pipes[0].inproc = pipes[1].inproc = true;
    return pipes;
  }

  /** True when a message can be written without exceeding the high-water mark. */
  get writable(): boolean {
    return !this.outbound.full;
  }

  /** Queues a message for the peer if below the high-water mark. */
  write(msg: PipeItem): boolean {
    return this.outbound.tryPush(msg);
  }

  /**
   * Records what the handshake said about the peer and tells the socket.
   * A connecting pipe is attached before its first handshake, so a socket
   * that needs the peer's identity (ROUTER) learns it here.
   */
  setPeer(peer: PeerInfo): void {
    this.peer = peer;
    this.onPeer?.();
  }

  /** The session (or inproc partner) calls this when a handshaked connection is up. */
  connected(): void {
    this.onConnected?.();
  }

  /** The session (or inproc partner) calls this when a handshaked connection ended by itself. */
  disconnected(): void {
    if (!this.detached) this.onDisconnected?.();
  }

  /** The far end calls this when it is gone for good; the socket then drops the pipe. */
  terminate(): void {
    if (this.detached) return;
    this.detached = true;
    this.onTerminated?.();
  }

  /** The socket calls this when it stops using the pipe; the far end then winds down. */
  release(): void {
    this.detached = true;
    const released = this.onReleased;
    this.onReleased = null;
    released?.();
  }

  /** Takes the next message from the peer, if any. */
  read(): PipeItem | undefined {
    return this.inbound.shift();
  }
}
