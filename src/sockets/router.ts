/**
 * ROUTER (RFC 28): every received message is prefixed with the routing id
 * of the peer it came from; every sent message is routed by its first
 * frame to the peer with that id.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { PeersById } from "../routing/peers_by_id.ts";
import { COOPERATIVE_SEND_BATCH, optionFrame, SocketBase } from "../socket.ts";
import type { DisconnectMessageOption, HelloMessageOption } from "./draft_options.ts";
import { EMPTY_FRAME } from "./dealer.ts";

/** Options of a {@link Router} socket. */
export interface RouterOptions extends SocketOptions, HelloMessageOption, DisconnectMessageOption {
  /**
   * Receive `[routingId, ""]` when a peer connects (bit 1) and when it
   * disconnects (bit 2) over tcp, ipc or ws, as libzmq's ZMQ_ROUTER_NOTIFY
   * (ZMQ_NOTIFY_CONNECT = 1, ZMQ_NOTIFY_DISCONNECT = 2; not over inproc).
   */
  routerNotify: number;
  /**
   * Report unroutable messages instead of dropping them: `send` rejects
   * with `EHOSTUNREACH` when no peer has the routing id, and waits (then
   * rejects with `EAGAIN` after `sendTimeout`) while that peer is at its
   * high-water mark (libzmq's ZMQ_ROUTER_MANDATORY).
   */
  routerMandatory: boolean;
  /**
   * When a peer connects with a routing id that another connected peer
   * already has, the new peer takes the id over and the old connection is
   * closed. Without it the newcomer is ignored until the id is free
   * (libzmq's ZMQ_ROUTER_HANDOVER).
   */
  routerHandover: boolean;
  /**
   * Send an empty message to each new peer as soon as it is attached, so a
   * ROUTER at the other end learns this socket's routing id (libzmq's
   * ZMQ_PROBE_ROUTER).
   */
  probeRouter: boolean;
}

const DEFAULTS: TypeDefaults<RouterOptions> = {
  routerMandatory: false,
  routerHandover: false,
  probeRouter: false,
  routerNotify: 0,
  helloMessage: null,
  disconnectMessage: null,
};

/** Options of {@link Router.connect}. */
export interface RouterConnectOptions {
  /**
   * The routing id this peer gets here instead of the one it announces, so
   * messages can be routed to it at once (libzmq's ZMQ_CONNECT_ROUTING_ID).
   */
  routingId?: Uint8Array | string;
}

const NOTIFY_CONNECT = 1;
const NOTIFY_DISCONNECT = 2;

/**
 * The addressable side of request-reply: messages arrive as
 * `[routingId, ...frames]`, and `send([routingId, ...frames])` goes to that
 * peer. A peer's routing id is the `routingId` it connected with, or a
 * 5-byte id generated here (a zero byte, then a counter), as libzmq does.
 * Messages to unknown ids are dropped, or rejected with `EHOSTUNREACH`
 * under `routerMandatory`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Request, Router } from "@zmtp/zmq";
 * const router = new Router();
 * await router.bind("tcp://127.0.0.1:*");
 * const req = new Request();
 * req.connect(router.lastEndpoint!);
 * await req.send("ping");
 * const [client, empty, request] = await router.receive(); // a REQ sends an empty delimiter
 * await router.send([client, empty, "reply to ", request]);
 * const reply = (await req.receive()).map((frame) => new TextDecoder().decode(frame));
 * assert.deepEqual(reply, ["reply to ", "ping"]);
 * req.close();
 * router.close();
 * ```
 */
export class Router extends SocketBase {
  /** See {@link RouterOptions.routerMandatory}. */
  declare routerMandatory: boolean;
  /** See {@link RouterOptions.routerHandover}. */
  declare routerHandover: boolean;
  /** See {@link RouterOptions.probeRouter}. */
  declare probeRouter: boolean;
  /** See {@link RouterOptions.routerNotify}. */
  declare routerNotify: number;
  /** See {@link RouterOptions.helloMessage}. */
  declare helloMessage: string | Uint8Array | null;
  /** See {@link RouterOptions.disconnectMessage}. */
  declare disconnectMessage: string | Uint8Array | null;
  /**
   * Pipes without a routing id yet: connecting pipes before their first
   * handshake, and peers whose id is taken (without `routerHandover`).
   * libzmq's anonymous pipes. They are neither read nor addressable.
   */
  private readonly anonymous = new Set<Pipe>();
  /** Identified peers: the routing table and the fair queue. */
  private readonly peers = new PeersById();

  /** Creates a ROUTER socket. */
  constructor(options?: Partial<RouterOptions>) {
    super("ROUTER", options, DEFAULTS);
    this.yieldEvery = COOPERATIVE_SEND_BATCH;
    if (![0, 1, 2, 3].includes(this.routerNotify)) {
      throw zmqError("EINVAL", "routerNotify is a sum of 1 (connect) and 2 (disconnect)");
    }
  }

  /**
   * Connects in the background; `options.routingId` names the peer here
   * (routable at once), as libzmq's ZMQ_CONNECT_ROUTING_ID. An id already
   * in use is `EINVAL`.
   */
  override connect(endpoint: string, options?: RouterConnectOptions): void {
    if (options?.routingId !== undefined) this.peers.nameNextConnection(options.routingId);
    super.connect(endpoint);
  }

  /** @internal ZMQ_HELLO_MSG. */
  protected override helloFrame(): Uint8Array | null {
    return optionFrame(this.helloMessage);
  }

  /** @internal ZMQ_DISCONNECT_MSG, for peers this socket accepted. */
  protected override lostPeerFrame(pipe: Pipe): Uint8Array | null {
    return pipe.locallyInitiated ? null : optionFrame(this.disconnectMessage);
  }

  /** @internal ZMQ_NOTIFY_CONNECT: an empty message from the peer that connected. */
  protected override xConnected(pipe: Pipe): void {
    if ((this.routerNotify & NOTIFY_CONNECT) !== 0) pipe.inbound.push([EMPTY_FRAME]);
  }

  /** @internal ZMQ_NOTIFY_DISCONNECT (before the disconnect message, as libzmq). */
  protected override xDisconnected(pipe: Pipe): void {
    if ((this.routerNotify & NOTIFY_DISCONNECT) !== 0 && !pipe.inproc) {
      pipe.inbound.push([EMPTY_FRAME]);
    }
    super.xDisconnected(pipe);
  }

  /** Messages dropped for an unknown routing id or a peer at its high-water mark. */
  override get droppedMessages(): number {
    return this.peers.dropped;
  }

  /** @internal A new peer: probe it if asked, and identify it once its handshake is done. */
  protected xAttach(pipe: Pipe): void {
    if (this.probeRouter) pipe.write([EMPTY_FRAME]);
    if (this.peers.takeNamedConnection(pipe)) return;
    this.anonymous.add(pipe);
    if (pipe.peer !== null) this.identify(pipe);
  }

  /** @internal A handshake completed: identify the pipe if it has no id yet. */
  protected override xPeerReady(pipe: Pipe): void {
    // After a reconnection the pipe keeps the id it was first given, as in libzmq.
    if (this.anonymous.has(pipe)) this.identify(pipe);
  }

  /** @internal A peer went away: its id is free again. */
  protected xTerminated(pipe: Pipe): void {
    if (this.anonymous.delete(pipe)) return;
    // The fair queue keeps the pipe until its last message is read.
    this.peers.table.remove(pipe);
    const id = pipe.routingId!;
    if (!this.peers.table.has(id)) this.identifyWaitingFor(id);
    // A send waiting for this peer's room now fails with EHOSTUNREACH.
    if (this.routerMandatory) this.retrySends();
  }

  /** @internal A peer has messages: read it in turn, once identified. */
  protected override xReadable(pipe: Pipe): void {
    if (!this.anonymous.has(pipe)) this.peers.fq.activate(pipe);
  }

  /** @internal Routes one message by its first frame. */
  protected override xSend(msg: Message): boolean {
    // As libzmq: a message that is only a routing id carries nothing and is dropped.
    if (msg.length < 2) return true;
    // libzmq drops what it cannot route, or with ZMQ_ROUTER_MANDATORY says
    // EHOSTUNREACH / EAGAIN (a blocking send waits).
    return this.peers.send(msg, this.routerMandatory);
  }

  /** @internal The next message in fair order, prefixed with its peer's id. */
  protected override xRecv(): Message | undefined {
    return this.peers.receive();
  }

  /**
   * Gives an anonymous pipe whose handshake is done its routing id: the
   * peer's own, or a generated one when it announced none.
   */
  private identify(pipe: Pipe): void {
    const identity = pipe.peer!.identity;
    const generated = identity.length === 0;
    const holder = generated ? undefined : this.peers.table.lookup(identity);
    if (holder !== undefined && !this.routerHandover) return;
    this.anonymous.delete(pipe);
    this.peers.table.add(generated ? this.peers.table.generateId() : identity, pipe);
    this.peers.fq.attach(pipe);
    // Handover: the old connection closes, dropping what it still had queued.
    if (holder !== undefined) {
      this.peers.fq.detach(holder);
      this.removePipe(holder);
    }
  }

  /**
   * A peer that was refused because its id was taken gets it once the id is
   * free (libzmq leaves such a pipe anonymous until it reconnects).
   */
  private identifyWaitingFor(id: Uint8Array): void {
    for (const pipe of this.anonymous) {
      if (pipe.peer !== null && sameBytes(pipe.peer.identity, id)) {
        this.identify(pipe);
        // What it sent while ignored is readable now.
        this.deliverReceives();
        return;
      }
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
