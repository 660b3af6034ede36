/**
 * inproc:// : two sockets in one process share a pair of queues. No bytes,
 * no copies, no system calls and no permissions.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { Pipe } from "../pipe/pipe.ts";

/** What the inproc transport needs from a socket. */
export interface InprocSocket {
  /** The socket's ZMTP type, shown to the peer as its `Socket-Type`. */
  readonly type: string;
  readonly sendHighWaterMark: number;
  readonly receiveHighWaterMark: number;
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

/** Registry of inproc names; one per {@link Context}. */
export class InprocRegistry {
  private readonly bound = new Map<string, InprocSocket>();
  private readonly waiting = new Map<string, InprocLink[]>();

  /** Binds `name` to `socket` and completes connections that were waiting for it. */
  bind(name: string, endpoint: string, socket: InprocSocket): void {
    if (this.bound.has(name)) throw zmqError("EADDRINUSE", `${endpoint} is already bound`);
    this.bound.set(name, socket);
    const waiting = this.waiting.get(name);
    this.waiting.delete(name);
    for (const link of waiting ?? []) {
      if (link.near.detached) continue;
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
    const hwm = (s: InprocSocket) => ({
      sendHwm: s.sendHighWaterMark,
      receiveHwm: s.receiveHighWaterMark,
    });
    const [near, far] = Pipe.pair(endpoint, hwm(socket), hwm(binder ?? socket));
    near.onReleased = () => far.terminate();
    far.onReleased = () => near.terminate();
    const link: InprocLink = { connecter: socket, endpoint, near, far };
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

  /** Fills in what each side knows of the other, as a handshake would. */
  private introduce(link: InprocLink, binder: InprocSocket): void {
    const info = (peer: InprocSocket) => ({
      socketType: peer.type,
      identity: peer.routingIdBytes(),
      metadata: new Map(),
      address: link.endpoint,
      zmtpMinor: 1,
    });
    link.far.peer = info(link.connecter);
    link.near.setPeer(info(binder));
  }
}
