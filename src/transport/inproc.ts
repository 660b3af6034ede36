/**
 * inproc:// : two sockets in one process share a pair of queues. No bytes,
 * no copies, no system calls and no permissions: a message sent on one
 * socket is the same array of the same `Uint8Array`s the other receives.
 *
 * As in libzmq 4.x:
 * - a connect may come before the bind: the connecter's pipe is attached at
 *   once (so it can queue messages) and joined to the binder when the name
 *   is bound;
 * - each direction holds the sender's send HWM plus the receiver's receive
 *   HWM (0 on either side: no limit), fixed when both sides are known;
 * - a queue conflates when the socket at either end conflates it (libzmq
 *   asks the connecter alone);
 * - names live in a {@link InprocRegistry}, one per Context;
 * - unbind releases the name only; pipes already made stay connected;
 * - when either side closes or disconnects, the other still reads what
 *   was queued for it, then the pipe ends; there is no reconnection.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { conflatePipe } from "../pipe/conflate.ts";
import { type PeerInfo, Pipe } from "../pipe/pipe.ts";
import type { ZmtpSocketType } from "../wire/socket_types.ts";
import type { Binding, Connection, Transport, TransportSocket } from "./registry.ts";

/** An in-process endpoint. */
export interface InprocEndpoint {
  transport: "inproc";
  name: string;
  text: string;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** The inproc transport: names in the socket's context, pipes shared between two sockets. */
export const inprocTransport: Transport<InprocEndpoint> = {
  scheme: "inproc",

  parse(address: string, text: string): InprocEndpoint {
    if (address.length === 0) throw zmqError("EINVAL", `inproc endpoint "${text}" has no name`);
    return { transport: "inproc", name: address, text };
  },

  checkSocketType(type: ZmtpSocketType): void {
    if (type === "STREAM") {
      throw zmqError("ENOTSUP", "a Stream socket carries raw bytes: use tcp:// or ipc://");
    }
  },

  bind(endpoint: InprocEndpoint, socket: TransportSocket): Promise<Binding> {
    socket.context.inproc.bind(endpoint.name, endpoint.text, socket);
    return Promise.resolve({
      endpoint: endpoint.text,
      // As libzmq: the name is released; pipes already made stay connected.
      close: () => {
        socket.context.inproc.unbind(endpoint.name, socket);
        return RESOLVED;
      },
    });
  },

  connect(endpoint: InprocEndpoint, socket: TransportSocket): Connection {
    const pipe = socket.context.inproc.connect(endpoint.name, endpoint.text, socket);
    // Only the pipe this socket connected: a binder cannot disconnect its peers (as libzmq).
    return { stop: () => socket.detachPipe(pipe) };
  },
};

/** What the inproc transport needs from a socket. */
export interface InprocSocket {
  /** The socket's ZMTP type, shown to the peer as its `Socket-Type`. */
  readonly type: string;
  readonly sendHighWaterMark: number;
  readonly receiveHighWaterMark: number;
  /** The socket keeps only the newest message in its data queues (ZMQ_CONFLATE). */
  readonly conflate: boolean;
  /** The socket's routing id as bytes (empty when none). */
  routingIdBytes(): Uint8Array;
  /** The socket starts using the pipe. */
  attachPipe(pipe: Pipe): void;
}

/** A connection made by `connect("inproc://…")`, waiting for its binder or live. */
interface InprocLink {
  connecter: InprocSocket;
  endpoint: string;
  /** The connecter's pipe (attached at once, as libzmq does for connect-before-bind). */
  near: Pipe;
  /** The binder's pipe, attached when the name is bound. */
  far: Pipe;
}

/** libzmq's inproc queue size: the two HWMs add up; 0 (no limit) wins. */
function combinedHwm(sendHwm: number, receiveHwm: number): number {
  return sendHwm === 0 || receiveHwm === 0 ? 0 : sendHwm + receiveHwm;
}

/** Registry of inproc names; one per {@link Context}. */
export class InprocRegistry {
  private readonly bound = new Map<string, InprocSocket>();
  /** Connections made before their name was bound, by name. */
  private readonly waiting = new Map<string, InprocLink[]>();

  /** Binds `name` to `socket` and completes connections that were waiting for it. */
  bind(name: string, endpoint: string, socket: InprocSocket): void {
    if (this.bound.has(name)) throw zmqError("EADDRINUSE", `${endpoint} is already bound`);
    this.bound.set(name, socket);
    const waiting = this.waiting.get(name);
    if (waiting === undefined) return;
    this.waiting.delete(name);
    for (const link of waiting) {
      if (link.far.detached) continue; // the connecter let go before the bind
      sizeQueues(link, socket);
      if (socket.conflate) conflatePipe(link.far, socket.type);
      this.introduce(link, socket);
      socket.attachPipe(link.far);
    }
  }

  /** Releases `name` if `socket` holds it. */
  unbind(name: string, socket: InprocSocket): boolean {
    if (this.bound.get(name) !== socket) return false;
    this.bound.delete(name);
    return true;
  }

  /** Connects `socket` to `name`, now or once it is bound; returns the connecter's pipe. */
  connect(name: string, endpoint: string, socket: InprocSocket): Pipe {
    const binder = this.bound.get(name);
    const [near, far] = Pipe.pair(endpoint, hwms(socket), hwms(binder ?? socket));
    const link: InprocLink = { connecter: socket, endpoint, near, far };
    if (socket.conflate) conflatePipe(near, socket.type);
    if (binder?.conflate) conflatePipe(far, binder.type);
    near.locallyInitiated = true;
    near.onReleased = () => {
      // The binder hears of it (its disconnect message), as from libzmq's inproc pipe.
      far.disconnected();
      far.terminate();
      if (binder === undefined) this.forgetWaiting(name, link);
    };
    far.onReleased = () => near.terminate();
    if (binder !== undefined) {
      this.introduce(link, binder);
      socket.attachPipe(near);
      binder.attachPipe(far);
    } else {
      const list = this.waiting.get(name) ?? [];
      list.push(link);
      this.waiting.set(name, list);
      socket.attachPipe(near);
    }
    return near;
  }

  private forgetWaiting(name: string, link: InprocLink): void {
    const list = this.waiting.get(name);
    if (list === undefined) return;
    const index = list.indexOf(link);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.waiting.delete(name);
  }

  /** Fills in what each side knows of the other, as a handshake would. */
  private introduce(link: InprocLink, binder: InprocSocket): void {
    // The binder's pipe is attached after this; the connecter's may already
    // be (connect-before-bind), so it is told through setPeer.
    link.far.peer = peerInfo(link.connecter, link.endpoint);
    link.near.setPeer(peerInfo(binder, link.endpoint));
  }
}

function hwms(socket: InprocSocket): { sendHwm: number; receiveHwm: number } {
  return { sendHwm: socket.sendHighWaterMark, receiveHwm: socket.receiveHighWaterMark };
}

/**
 * A connect-before-bind pipe was sized with the connecter's HWMs on both
 * sides; now that the binder is known, size it as libzmq does at bind.
 */
function sizeQueues(link: InprocLink, binder: InprocSocket): void {
  const connecter = link.connecter;
  link.near.outbound.hwm = combinedHwm(connecter.sendHighWaterMark, binder.receiveHighWaterMark);
  link.near.inbound.hwm = combinedHwm(binder.sendHighWaterMark, connecter.receiveHighWaterMark);
}

function peerInfo(peer: InprocSocket, endpoint: string): PeerInfo {
  return {
    socketType: peer.type,
    identity: peer.routingIdBytes(),
    metadata: new Map(),
    address: endpoint,
    zmtpMinor: 1,
  };
}
