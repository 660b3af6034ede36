/**
 * PEER: libzmq's draft ZMQ_PEER, a SERVER that also connects and is told
 * the routing id of each peer it connects to.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message, MessageLike } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { addressed, RoutingIds } from "../routing/routing_ids.ts";
import { optionFrame, SocketBase } from "../socket.ts";
import type {
  DisconnectMessageOption,
  HelloMessageOption,
  HiccupMessageOption,
} from "./draft_options.ts";
import type { RoutedSendOptions } from "./server.ts";

/** Options of a {@link Peer} socket. */
export interface PeerOptions
  extends SocketOptions, HelloMessageOption, DisconnectMessageOption, HiccupMessageOption {}

const DEFAULTS: TypeDefaults<PeerOptions> = {
  helloMessage: null,
  disconnectMessage: null,
  hiccupMessage: null,
};

/** Options of {@link Peer.connect}. */
export interface PeerConnectOptions {
  /** The routing id the new peer gets instead of the next generated one. */
  routingId?: number;
}

/**
 * Symmetric peer-to-peer messaging between `Peer` sockets: every received
 * message carries its sender's routing id (`messageRoutingId(msg)`), and
 * `send(msg, { routingId })` goes to that peer. {@link connectPeer}
 * connects and returns the id of the new peer at once, so a Peer can send
 * to a peer it connected to before hearing from it. Messages are single
 * frames; an unknown id rejects with `EHOSTUNREACH`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageRoutingId, Peer } from "@zmtp/zmq";
 * const a = new Peer();
 * const b = new Peer();
 * await a.bind("inproc://peer-doc");
 * const toA = b.connectPeer("inproc://peer-doc");
 * await b.send("hello", { routingId: toA });
 * const msg = await a.receive();
 * await a.send("hello back", { routingId: messageRoutingId(msg)! });
 * const [answer] = await b.receive();
 * assert.equal(new TextDecoder().decode(answer), "hello back");
 * a.close();
 * b.close();
 * ```
 */
export class Peer extends SocketBase {
  /** See {@link PeerOptions.helloMessage}. */
  declare helloMessage: string | Uint8Array | null;
  /** See {@link PeerOptions.disconnectMessage}. */
  declare disconnectMessage: string | Uint8Array | null;
  /** See {@link PeerOptions.hiccupMessage}. */
  declare hiccupMessage: string | Uint8Array | null;
  private readonly peers = new RoutingIds();
  /** The id the next pipe this socket connects gets (connect's `routingId`). */
  private connectId: number | undefined;

  /** Creates a PEER socket. */
  constructor(options?: Partial<PeerOptions>) {
    super("PEER", options, DEFAULTS);
  }

  /** @internal ZMQ_HELLO_MSG. */
  protected override helloFrame(): Uint8Array | null {
    return optionFrame(this.helloMessage);
  }

  /** @internal ZMQ_HICCUP_MSG for peers it connected to, ZMQ_DISCONNECT_MSG for peers it accepted. */
  protected override lostPeerFrame(pipe: Pipe): Uint8Array | null {
    return optionFrame(pipe.locallyInitiated ? this.hiccupMessage : this.disconnectMessage);
  }

  /**
   * Connects to `endpoint` and returns the routing id of the new peer,
   * valid at once (messages wait for the connection). Not with `immediate`,
   * which attaches the peer only once connected (libzmq refuses it too).
   */
  connectPeer(endpoint: string): number {
    if (this.immediate) {
      throw zmqError("EINVAL", "connectPeer cannot name a peer with the immediate option set");
    }
    this.connect(endpoint);
    return this.peers.lastId;
  }

  /** Connects in the background; `options.routingId` picks the new peer's routing id. */
  override connect(endpoint: string, options?: PeerConnectOptions): void {
    const id = options?.routingId;
    if (id !== undefined) {
      if (!Number.isInteger(id) || id <= 0 || id > 0xffff_ffff) {
        throw zmqError("EINVAL", `a Peer routing id is a 32-bit integer above 0, not ${id}`);
      }
      if (this.peers.has(id)) throw zmqError("EINVAL", `routing id ${id} is already in use`);
      if (this.immediate) {
        throw zmqError("EINVAL", "a connect routing id needs the immediate option off");
      }
    }
    this.connectId = id;
    try {
      super.connect(endpoint);
    } finally {
      this.connectId = undefined;
    }
  }

  /** Sends one frame to the peer `options.routingId` names. */
  override send(msg: MessageLike | MessageLike[], options?: RoutedSendOptions): Promise<void> {
    try {
      return super.send(addressed(msg, options?.routingId), options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** @internal A new peer gets the next routing id (or the one connect was given). */
  protected xAttach(pipe: Pipe): void {
    this.peers.attach(pipe, this.connectId);
    this.connectId = undefined;
  }

  /** @internal A peer went away: its id is unknown from now on. */
  protected xTerminated(pipe: Pipe): void {
    this.peers.terminated(pipe);
    this.retrySends();
  }

  /** @internal A peer has messages. */
  protected override xReadable(pipe: Pipe): void {
    this.peers.readable(pipe);
  }

  /** @internal To the peer the message is addressed to. */
  protected override xSend(msg: Message): boolean {
    return this.peers.send(msg, "PEER");
  }

  /** @internal The next message, tagged with its sender's routing id. */
  protected override xRecv(): Message | undefined {
    return this.peers.receive();
  }
}
