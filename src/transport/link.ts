/**
 * What a transport hands to the sessions: {@link Link}s (one per
 * connection) and {@link Listener}s that accept them.
 *
 * A link starts the engine that serves its connection. A byte stream (tcp,
 * ipc) gets the socket's own engine ({@link streamLink}); a
 * message-oriented transport (WebSocket) starts an engine of its own from
 * the socket's engine settings. Either way the session above sees only a
 * `SessionEngine`.
 *
 * @module
 */

import type { EngineFactory, EngineHandler, SessionEngine } from "../session/engine.ts";
import { applyKeepAlive, type ByteStream } from "./byte_stream.ts";

/** One established connection, before an engine serves it. */
export interface Link {
  /** The peer's address as an endpoint (e.g. `tcp://127.0.0.1:40123`), for events and ZAP. */
  readonly address: string;
  /**
   * Starts the engine that serves this connection for `socket`, reporting
   * to `handler`. May throw (the socket's settings cannot make an engine);
   * the caller then closes the link.
   */
  start(socket: EngineFactory, handler: EngineHandler): SessionEngine;
  /** Drops a connection that no engine serves (yet). */
  close(): void;
}

/** A bound endpoint that accepts connections. */
export interface Listener {
  /** The resolved endpoint, e.g. with the real port for `tcp://*:0`. */
  readonly endpoint: string;
  /**
   * The next connection. Rejects once the listener is closed (an error for
   * which `isListenerClosedError` is true), or for one failed accept.
   */
  accept(): Promise<Link>;
  /** Stops listening. Resolves once the address can be bound again. */
  close(): Promise<void>;
}

/** A link over a byte stream: the socket's own engine (ZMTP, or raw for STREAM) serves it. */
export function streamLink(stream: ByteStream, address: string): Link {
  return {
    address,
    start(socket: EngineFactory, handler: EngineHandler): SessionEngine {
      applyKeepAlive(stream, socket.tcpKeepalive);
      return socket.createEngine(stream, handler, address);
    },
    close(): void {
      try {
        stream.close();
      } catch { /* already closed */ }
    },
  };
}
