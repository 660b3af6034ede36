/**
 * SERVER (RFC 41): the answering side of client-server, libzmq's draft
 * ZMQ_SERVER.
 *
 * @module
 */

import type { Message, MessageLike } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { addressed, RoutingIds } from "../routing/routing_ids.ts";
import { type SendOptions, SocketBase } from "../socket.ts";

/** Options of a {@link Server} socket. */
export type ServerOptions = SocketOptions;

/** Options of {@link Server.send} and `Peer.send`. */
export interface RoutedSendOptions extends SendOptions {
  /** The peer to send to: `messageRoutingId()` of a message it sent. */
  routingId: number;
}

/**
 * Serves many `Client`s: each received message carries its client's
 * routing id (`messageRoutingId(msg)`), and `send(reply, { routingId })`
 * answers that client. An unknown id rejects with `EHOSTUNREACH`; a full
 * client makes `send` wait (up to `sendTimeout`). Messages are single
 * frames: a multipart `send` rejects with `EINVAL`.
 *
 * @example
 * ```ts
 * import { messageRoutingId, Server } from "@zmtp/zmq";
 * const server = new Server();
 * await server.bind("tcp://127.0.0.1:*");
 * // for await (const request of server) {
 * //   await server.send("pong", { routingId: messageRoutingId(request)! });
 * // }
 * server.close();
 * ```
 */
export class Server extends SocketBase {
  private readonly peers = new RoutingIds();

  /** Creates a SERVER socket. */
  constructor(options?: Partial<ServerOptions>) {
    super("SERVER", options);
  }

  /** Sends one frame to the client `options.routingId` names. */
  override send(msg: MessageLike | MessageLike[], options?: RoutedSendOptions): Promise<void> {
    try {
      return super.send(addressed(msg, options?.routingId), options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** @internal A new client gets the next routing id. */
  protected xAttach(pipe: Pipe): void {
    this.peers.attach(pipe);
  }

  /** @internal A client went away: its id is unknown from now on. */
  protected xTerminated(pipe: Pipe): void {
    this.peers.terminated(pipe);
    this.retrySends(); // a send waiting for it now fails with EHOSTUNREACH
  }

  /** @internal A client has messages. */
  protected override xReadable(pipe: Pipe): void {
    this.peers.readable(pipe);
  }

  /** @internal To the client the message is addressed to. */
  protected override xSend(msg: Message): boolean {
    return this.peers.send(msg, "SERVER");
  }

  /** @internal The next request, tagged with its client's routing id. */
  protected override xRecv(): Message | undefined {
    return this.peers.receive();
  }
}
