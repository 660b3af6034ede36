/**
 * A {@link WsChannel} with our own RFC 6455 framing over a byte stream
 * (`Deno.connect`/`Deno.connectTls` for connect, `Deno.listen`/`listenTls`
 * for bind). Owning the framing lets the client offer libzmq's mechanism
 * lists (`ZWS2.0/NULL,ZWS2.0`: a platform `WebSocket` refuses "/" in a
 * subprotocol), and lets both sides batch many frames into one write and
 * decode many from one read, as the tcp engine does.
 *
 * @module
 */

import { ProtocolError } from "../wire/frame.ts";
import {
  acceptKey,
  badRequestResponse,
  type HttpHead,
  newClientKey,
  OPCODE_PING,
  OPCODE_PONG,
  parseHttpHead,
  readUpgradeRequest,
  readUpgradeResponse,
  upgradeRequest,
  upgradeResponse,
  WsFrameDecoder,
  WsFrameEncoder,
  type WsFrameSink,
} from "../wire/websocket.ts";
import { chooseProtocol, offeredProtocols } from "../wire/zws.ts";
import type { WsChannel } from "./ws_channel.ts";

/**
 * The bytes of a connection: what `Deno.Conn` (and a TLS connection)
 * provide, and node:net's streams (node_socket.ts) on Node and Bun.
 */
export interface WsByteStream {
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  close(): void;
  /** All of `chunks` in one write, where the stream can (node:net: corked, one writev). */
  writeChunks?(chunks: readonly Uint8Array[]): Promise<void>;
  /** TLS only: completes the TLS handshake (certificate checks happen here). */
  handshake?(): Promise<unknown>;
}

/** Which end of the WebSocket we are. */
export type WsRole =
  | { client: true; host: string; path: string }
  | { client: false };

/** One WebSocket connection over a byte stream; see the module documentation. */
export class WsSocketChannel implements WsChannel {
  readonly canPing = true;
  private readonly decoder: WsFrameDecoder;
  private readonly encoder: WsFrameEncoder;
  /** Bytes that came after the HTTP head, for the frame decoder. */
  private leftover: Uint8Array | null = null;
  private sink: WsFrameSink | null = null;
  /** Set while the sink asked to stop (a handshake command is being handled). */
  private paused = false;
  private held = false;
  private wake: (() => void) | null = null;
  private closed = false;
  /** The requested path (server side), once the opening handshake is done. */
  path = "/";

  /**
   * @param stream the connection
   * @param role client (with the host and path to request) or server
   * @param address the peer's address, for events
   */
  constructor(
    private readonly stream: WsByteStream,
    private readonly role: WsRole,
    readonly address: string,
  ) {
    this.decoder = new WsFrameDecoder(!role.client);
    this.encoder = new WsFrameEncoder(role.client);
  }

  async open(mechanism: string): Promise<string> {
    await this.stream.handshake?.();
    return this.role.client
      ? await this.openAsClient(mechanism, this.role.host, this.role.path)
      : await this.openAsServer(mechanism);
  }

  private async openAsClient(mechanism: string, host: string, path: string): Promise<string> {
    const key = newClientKey();
    const offered = offeredProtocols(mechanism);
    await this.writeAll(upgradeRequest(host, path, key, offered));
    const head = await this.readHead();
    return await readUpgradeResponse(head, key, offered);
  }

  private async openAsServer(mechanism: string): Promise<string> {
    let head: HttpHead;
    try {
      head = await this.readHead();
    } catch (err) {
      if (err instanceof ProtocolError) await this.refuse(err.message);
      throw err;
    }
    let protocol: string | null;
    let key: string;
    try {
      const request = readUpgradeRequest(head);
      this.path = request.path;
      key = request.key;
      protocol = chooseProtocol(request.protocols, mechanism);
      if (protocol === null) {
        throw new ProtocolError(
          `no ZWS subprotocol for mechanism ${mechanism} in the offer ` +
            `(${request.protocols.join(",") || "none"})`,
        );
      }
    } catch (err) {
      if (err instanceof ProtocolError) await this.refuse(err.message);
      throw err;
    }
    await this.writeAll(upgradeResponse(await acceptKey(key), protocol));
    return protocol;
  }

  /** Answers a request we cannot take with 400 (best effort: the peer may be gone). */
  private async refuse(reason: string): Promise<void> {
    try {
      await this.writeAll(badRequestResponse(reason));
    } catch { /* the peer is gone: nothing to tell */ }
  }

  /** Reads an HTTP head; keeps what follows it for the frame decoder. */
  private async readHead(): Promise<HttpHead> {
    let bytes = new Uint8Array(0);
    const chunk = new Uint8Array(4096);
    while (true) {
      const n = await this.stream.read(chunk);
      if (n === null) {
        throw new ProtocolError(
          bytes.length === 0
            ? "connection closed before the WebSocket handshake"
            : "connection closed during the WebSocket handshake",
        );
      }
      const grown = new Uint8Array(bytes.length + n);
      grown.set(bytes);
      grown.set(chunk.subarray(0, n), bytes.length);
      bytes = grown;
      const head = parseHttpHead(bytes);
      if (head === null) continue;
      if (head.size < bytes.length) this.leftover = bytes.slice(head.size);
      return head;
    }
  }

  async run(sink: WsFrameSink): Promise<void> {
    this.sink = sink;
    const decoder = this.decoder;
    const leftover = this.leftover;
    this.leftover = null;
    if (leftover !== null) this.paused = decoder.feed(leftover, sink);
    while (!this.closed) {
      if (this.paused || this.held) {
        await new Promise<void>((resolve) => this.wake = resolve);
        continue;
      }
      const n = await this.stream.read(decoder.readTarget());
      if (n === null) return;
      this.paused = decoder.commit(n, sink);
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = this.decoder.resume(this.sink!);
    this.wakeReader();
  }

  hold(held: boolean): void {
    this.held = held;
    if (!held) this.wakeReader();
  }

  private wakeReader(): void {
    if (this.paused || this.held) return;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  send(flags: number, body: Uint8Array): void {
    this.encoder.binary(flags, body);
  }

  ping(): void {
    this.encoder.control(OPCODE_PING);
  }

  pong(payload: Uint8Array): void {
    this.encoder.control(OPCODE_PONG, payload);
  }

  sendClose(code: number, reason: string): void {
    this.encoder.close(code, reason);
  }

  get queuedBytes(): number {
    return this.encoder.size;
  }

  async flush(): Promise<void> {
    const chunks = this.encoder.take();
    if (this.stream.writeChunks !== undefined) {
      if (chunks.length > 0) await this.stream.writeChunks(chunks);
      return;
    }
    for (let i = 0; i < chunks.length; i++) await this.writeAll(chunks[i]);
  }

  private async writeAll(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      offset += await this.stream.write(offset === 0 ? chunk : chunk.subarray(offset));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.stream.close();
    } catch { /* already closed */ }
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
