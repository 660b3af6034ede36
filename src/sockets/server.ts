/**
 * SERVER (RFC 41): the answering side of client-server, libzmq's draft
 * ZMQ_SERVER.
 *
 * @module
 */

import type { Message, MessageLike } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { addressed, RoutingIds } from "../routing/routing_ids.ts";
import { optionFrame, type SendOptions, SocketBase } from "../socket.ts";
import type { DisconnectMessageOption, HelloMessageOption } from "./draft_options.ts";

/** Options of a {@link Server} socket. */
export interface ServerOptions extends SocketOptions, HelloMessageOption, DisconnectMessageOption {}

const DEFAULTS: TypeDefaults<ServerOptions> = {
  helloMessage: null,
  disconnectMessage: null,
};

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
 * import assert from "node:assert/strict";
 * import { Client, messageRoutingId, Server } from "@zmtp/zmq";
 * const server = new Server();
 * await server.bind("tcp://127.0.0.1:*");
 * const client = new Client();
 * client.connect(server.lastEndpoint!);
 * await client.send("ping");
 * for await (const request of server) {
 *   await server.send("pong", { routingId: messageRoutingId(request)! });
 *   break;
 * }
 * assert.equal(new TextDecoder().decode((await client.receive())[0]), "pong");
 * client.close();
 * server.close();
 * ```
 */
export class Server extends SocketBase {
  /** See {@link ServerOptions.helloMessage}. */
  declare helloMessage: string | Uint8Array | null;
  /** See {@link ServerOptions.disconnectMessage}. */
  declare disconnectMessage: string | Uint8Array | null;
  private readonly peers = new RoutingIds();

  /** Creates a SERVER socket. */
  constructor(options?: Partial<ServerOptions>) {
    super("SERVER", options, DEFAULTS);
  }

  /** @internal ZMQ_HELLO_MSG. */
  protected override helloFrame(): Uint8Array | null {
    return optionFrame(this.helloMessage);
  }

  /** @internal ZMQ_DISCONNECT_MSG, for clients this socket accepted. */
  protected override lostPeerFrame(pipe: Pipe): Uint8Array | null {
    return pipe.locallyInitiated ? null : optionFrame(this.disconnectMessage);
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
