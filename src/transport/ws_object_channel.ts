/**
 * A {@link WsChannel} over a platform `WebSocket` object: what
 * `Deno.upgradeWebSocket` gives `acceptWebSocket` (an HTTP server the user
 * runs: `Deno.serve`, an edge platform's `fetch` handler), and what a
 * browser's `new WebSocket(url, "ZWS2.0")` gives a page. The platform does
 * the framing, answers pings and runs the closing handshake; each ZWS
 * message is one `send`. It cannot send pings (heartbeats rely on the
 * platform's own keep-alive) and cannot stop reading, so while the
 * receiver is full, arriving messages wait in a queue here.
 *
 * Nothing here touches `Deno`.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { ProtocolError } from "../wire/frame.ts";
import type { WsFrameSink } from "../wire/websocket.ts";
import { ZWS_BARE } from "../wire/zws.ts";
import type { WsChannel } from "./ws_channel.ts";

/** While the platform holds more than this many unsent bytes, `flush` waits. */
const HIGH_WATER_BYTES = 1024 * 1024;
/** How often `flush` looks at `bufferedAmount` while above the mark (WebSocket has no drain event). */
const DRAIN_POLL_MS = 2;
/** Close codes a script may pass to `WebSocket.close`: 1000 or 3000-4999. */
const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR_APP = 4002;

/** One platform WebSocket; see the module documentation. */
export class WsObjectChannel implements WsChannel {
  readonly canPing = false;
  private sink: WsFrameSink | null = null;
  /** Messages that arrived while the sink could not take them. */
  private backlog: Uint8Array[] = [];
  private paused = false;
  private held = false;
  private queued = 0;
  private ended: ((error?: unknown) => void) | null = null;
  private closed = false;

  /**
   * @param socket the WebSocket (open or still connecting)
   * @param address the peer's address, for events
   * @param protocol the subprotocol already chosen (server side), or null to read it from the socket
   */
  constructor(
    private readonly socket: WebSocket,
    readonly address: string,
    private readonly protocol: string | null,
  ) {
    socket.binaryType = "arraybuffer";
  }

  /** The platform WebSocket this channel carries. */
  get webSocket(): WebSocket {
    return this.socket;
  }

  open(_mechanism: string): Promise<string> {
    const socket = this.socket;
    const chosen = () => this.protocol ?? (socket.protocol || ZWS_BARE);
    if (socket.readyState === WebSocket.OPEN) return Promise.resolve(chosen());
    return new Promise((resolve, reject) => {
      const done = () => {
        socket.removeEventListener("open", opened);
        socket.removeEventListener("close", failed);
      };
      const opened = () => {
        done();
        resolve(chosen());
      };
      const failed = (event: Event) => {
        done();
        const code = (event as CloseEvent).code;
        reject(new ProtocolError(`WebSocket closed before it opened (code ${code ?? "?"})`));
      };
      socket.addEventListener("open", opened);
      socket.addEventListener("close", failed);
    });
  }

  run(sink: WsFrameSink): Promise<void> {
    this.sink = sink;
    const socket = this.socket;
    return new Promise<void>((resolve, reject) => {
      this.ended = (error?: unknown) => {
        this.ended = null;
        socket.removeEventListener("message", this.onMessage);
        if (error === undefined) resolve();
        else reject(error);
      };
      socket.addEventListener("message", this.onMessage);
      socket.addEventListener("close", () => this.ended?.(), { once: true });
      socket.addEventListener(
        "error",
        (event) => this.ended?.(new Error((event as ErrorEvent).message || "WebSocket error")),
        { once: true },
      );
    });
  }

  private onMessage = (event: MessageEvent): void => {
    if (typeof event.data === "string") {
      this.ended?.(new ProtocolError("WebSocket text message (ZWS is binary)"));
      return;
    }
    const bytes = new Uint8Array(event.data as ArrayBuffer);
    if (this.paused || this.held || this.backlog.length > 0) {
      this.backlog.push(bytes);
      return;
    }
    this.deliver(bytes);
  };

  /** Hands one message to the sink; a throw ends the channel with that error. */
  private deliver(bytes: Uint8Array): void {
    const sink = this.sink!;
    try {
      this.paused = sink.onBinary(bytes, 0, bytes.length) === true;
      sink.onPassEnd();
    } catch (err) {
      this.ended?.(err);
    }
  }

  private drainBacklog(): void {
    while (this.backlog.length > 0 && !this.paused && !this.held && this.ended !== null) {
      this.deliver(this.backlog.shift()!);
    }
  }

  resume(): void {
    this.paused = false;
    this.drainBacklog();
  }

  hold(held: boolean): void {
    this.held = held;
    if (!held) this.drainBacklog();
  }

  send(flags: number, body: Uint8Array): void {
    const message = new Uint8Array(body.length + 1);
    message[0] = flags;
    message.set(body, 1);
    this.queued += message.length;
    this.socket.send(message);
  }

  ping(): void {}

  pong(_payload: Uint8Array): void {}

  sendClose(code: number, reason: string): void {
    this.closed = true;
    try {
      this.socket.close(
        code === CLOSE_NORMAL ? code : CLOSE_PROTOCOL_ERROR_APP,
        reason.slice(0, 120),
      );
    } catch { /* already closing */ }
  }

  get queuedBytes(): number {
    return this.queued;
  }

  async flush(): Promise<void> {
    this.queued = 0;
    const socket = this.socket;
    while (socket.bufferedAmount > HIGH_WATER_BYTES && socket.readyState === WebSocket.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      try {
        this.socket.close(CLOSE_NORMAL);
      } catch { /* already closing */ }
    }
    this.ended?.();
  }
}

/**
 * Opens a page's `WebSocket` to `url` (offering bare `ZWS2.0`: see
 * {@link webSocketObjectChannel}) and resolves with its channel once it is
 * open, so that a peer that is not there counts as a failed connection
 * attempt (`connect:delay`, then a retry), not as a broken handshake.
 * Rejects with `ECONNREFUSED` when it closes first: nothing listens there,
 * the certificate is not trusted, or the server picked no `ZWS2.0`; a
 * browser does not tell a page which.
 */
export function openWebSocketObjectChannel(url: string): Promise<WsChannel> {
  const channel = webSocketObjectChannel(url) as WsObjectChannel;
  const socket = channel.webSocket;
  return new Promise((resolve, reject) => {
    const done = () => {
      socket.removeEventListener("open", opened);
      socket.removeEventListener("close", failed);
    };
    const opened = () => {
      done();
      resolve(channel);
    };
    const failed = (event: Event) => {
      done();
      const code = (event as CloseEvent).code;
      reject(
        zmqError(
          "ECONNREFUSED",
          `${url}: the WebSocket closed before it opened (code ${code}): nothing listens ` +
            `there, its certificate is not trusted, or it does not speak ZWS2.0`,
        ),
      );
    };
    socket.addEventListener("open", opened);
    socket.addEventListener("close", failed);
  });
}

/**
 * A channel over the platform's `WebSocket` (a browser) for `url`. It can
 * offer only bare `ZWS2.0` ("/" is not allowed in a page's subprotocol
 * names), so only NULL security interoperates with libzmq there; the
 * opening handshake completes in {@link WsObjectChannel.open}.
 */
export function webSocketObjectChannel(url: string): WsChannel {
  const socket = new WebSocket(url, [ZWS_BARE]);
  const address = url.replace(/^(wss?:\/\/[^/]*).*$/, "$1");
  return new WsObjectChannel(socket, address, null);
}
