/**
 * STREAM: talks raw TCP (or ipc) to peers that do not speak ZMTP, such as
 * HTTP clients or plain TCP servers. Messages are `[connectionId, data]`.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { SocketOptions } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import type { EngineHandler, SessionEngine } from "../session/engine.ts";
import { RawEngine } from "../session/raw_engine.ts";
import { PeersById } from "../routing/peers_by_id.ts";
import { COOPERATIVE_SEND_BATCH, SocketBase } from "../socket.ts";
import type { ByteStream } from "../transport/byte_stream.ts";

/** Options of a {@link Stream} socket. */
export type StreamOptions = SocketOptions;

/** Options of {@link Stream.connect}. */
export interface StreamConnectOptions {
  /** The id of the new connection, instead of a generated one (ZMQ_CONNECT_ROUTING_ID). */
  routingId?: Uint8Array | string;
}

/**
 * A socket for raw byte-stream peers, with libzmq's ZMQ_STREAM semantics.
 * Each connection gets a 5-byte id. `receive()` yields `[id, data]` where
 * `data` is the bytes of one read (message boundaries are TCP's, i.e.
 * none); `[id, ""]` (an empty data frame) reports that the connection
 * opened, then later that it closed. `send([id, data])` writes `data` to
 * that connection; `send([id, ""])` closes it. Sending to an unknown id
 * rejects with `EHOSTUNREACH`.
 *
 * After `connect()`, {@link routingId} holds the id of the new connection,
 * as libzmq's ZMQ_ROUTING_ID does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Stream } from "@zmtp/zmq";
 * // A tiny HTTP server.
 * const server = new Stream();
 * await server.bind("tcp://127.0.0.1:*");
 * const url = server.lastEndpoint!.replace("tcp://", "http://");
 * const response = fetch(url);
 * for await (const [id, data] of server) {
 *   if (data.length === 0) continue; // connect or disconnect notification
 *   await server.send([id, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nHello"]);
 *   await server.send([id, ""]); // close the connection
 *   break;
 * }
 * assert.equal(await (await response).text(), "Hello");
 * server.close();
 * ```
 */
export class Stream extends SocketBase {
  /** Connections by id, read in turn. */
  private readonly peers = new PeersById();

  /** Creates a STREAM socket. */
  constructor(options?: Partial<StreamOptions>) {
    super("STREAM", options);
    this.yieldEvery = COOPERATIVE_SEND_BATCH;
  }

  /** @internal Connections carry raw bytes: no greeting, no framing. */
  protected override createEngine(
    stream: ByteStream,
    handler: EngineHandler,
    address: string,
  ): SessionEngine {
    return new RawEngine(stream, handler, address);
  }

  /**
   * Connects in the background; the new connection's id is then in
   * {@link routingId}. `options.routingId` chooses that id (libzmq's
   * ZMQ_CONNECT_ROUTING_ID); one already in use is `EINVAL`.
   */
  override connect(endpoint: string, options?: StreamConnectOptions): void {
    if (options?.routingId !== undefined) this.peers.nameNextConnection(options.routingId);
    super.connect(endpoint);
  }

  /** @internal A new connection: give it an id (the one connect was given, if any). */
  protected xAttach(pipe: Pipe): void {
    if (this.peers.takeNamedConnection(pipe)) {
      this.routingId = pipe.routingId;
      return;
    }
    const id = this.peers.table.generateId();
    this.peers.table.add(id, pipe);
    this.routingId = id;
    this.peers.fq.attach(pipe);
  }

  /** @internal A connection closed: its id is no longer addressable. */
  protected xTerminated(pipe: Pipe): void {
    // The fair queue keeps the pipe until its last message (the disconnect notification) is read.
    this.peers.table.remove(pipe);
  }

  /** @internal A connection has data: read it in turn. */
  protected override xReadable(pipe: Pipe): void {
    this.peers.fq.activate(pipe);
  }

  /** @internal Writes data to a connection, or closes it on an empty frame. */
  protected override xSend(msg: Message): boolean {
    if (msg.length < 2) {
      throw zmqError("EINVAL", "a Stream message is [connectionId, data]");
    }
    if (msg.length === 2 && msg[1].length === 0) {
      // Queued data is still written before the connection closes (linger).
      this.removePipe(this.peers.peer(msg[0]));
      return true;
    }
    return this.peers.send(msg, true);
  }

  /** @internal The next read, prefixed with its connection's id. */
  protected override xRecv(): Message | undefined {
    return this.peers.receive();
  }
}
