/**
 * The seam between the ZWS engine and whatever carries WebSocket messages:
 * a WebSocket framing of our own over a byte stream (`Deno.connect`,
 * `Deno.listen`: see ws_socket_channel.ts), or a platform `WebSocket`
 * object (`Deno.upgradeWebSocket` for `acceptWebSocket`, a browser's
 * `WebSocket`: see ws_object_channel.ts). The engine sees ZWS messages in
 * batches and control frames; it never learns which one it has.
 *
 * Nothing here touches `Deno`: a browser build imports it.
 *
 * @module
 */

import type { WsFrameSink } from "../wire/websocket.ts";

/** One WebSocket connection carrying ZWS messages. */
export interface WsChannel {
  /** The peer's address, for events (e.g. `ws://127.0.0.1:5555`). */
  readonly address: string;
  /**
   * True when {@link ping} sends a WebSocket ping. A platform `WebSocket`
   * cannot (it answers pings itself); heartbeats then rely on the platform.
   */
  readonly canPing: boolean;
  /**
   * Completes the opening handshake, offering or choosing subprotocols for
   * `mechanism` (see zws.ts), and resolves to the agreed one. Rejects with
   * a `ProtocolError` for a peer that is not a ZWS peer.
   */
  open(mechanism: string): Promise<string>;
  /**
   * Delivers received messages and control frames to `sink` until the
   * connection ends: resolves at the end of the stream, rejects with the
   * error that ended it (a `ProtocolError` for bad frames).
   */
  run(sink: WsFrameSink): Promise<void>;
  /** Delivers what is held back after the sink's `onBinary` returned true. */
  resume(): void;
  /** Stops reading while `held` (the receiver is full); reading resumes when set false. */
  hold(held: boolean): void;
  /** Queues one ZWS message: its flags byte, then `body` (not copied: do not change it). */
  send(flags: number, body: Uint8Array): void;
  /** Queues a ping (only when {@link canPing}). */
  ping(): void;
  /** Queues a pong answering a ping with `payload`. */
  pong(payload: Uint8Array): void;
  /** Queues a close frame; nothing is sent after it. */
  sendClose(code: number, reason: string): void;
  /** Bytes queued and not yet handed to {@link flush}. */
  readonly queuedBytes: number;
  /** Writes what is queued; resolves once the connection took it. */
  flush(): Promise<void>;
  /** Closes the connection now. */
  close(): void;
}
