/**
 * `socket.acceptWebSocket(request)`: peers that arrive through an HTTP
 * server the user already runs (`Deno.serve`, a framework, an edge
 * platform's `fetch` handler). Each upgrade request becomes one peer of
 * the socket, served by the ZWS engine over the platform's `WebSocket`
 * (`Deno.upgradeWebSocket`, or `WebSocketPair` where the platform has it).
 *
 * The subprotocol is chosen here from the client's offer for the socket's
 * mechanism. `Deno.upgradeWebSocket` splits the offer only on ", ", so it
 * could not find `ZWS2.0/NULL` in libzmq's `ZWS2.0/NULL,ZWS2.0`; the chosen
 * name is set on its response instead.
 *
 * The peers share one accepting session, as a bound endpoint's would:
 * events name it `acceptWebSocket`, and closing the socket ends them.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { AcceptSession } from "../session/session.ts";
import type { Link, Listener } from "./link.ts";
import type { TransportSocket } from "./registry.ts";
import { splitList } from "../wire/websocket.ts";
import { chooseProtocol } from "../wire/zws.ts";
import { wsLink, wsPlainTransport } from "./ws.ts";
import { WsObjectChannel } from "./ws_object_channel.ts";

/** What events and pipes call the peers that came through `acceptWebSocket`. */
export const ACCEPTED_ENDPOINT = "acceptWebSocket";

/** A listener fed by hand: each accepted request queues a link. */
class HandedListener implements Listener {
  readonly endpoint = ACCEPTED_ENDPOINT;
  private links: Link[] = [];
  private waiter: { resolve: (link: Link) => void; reject: (err: Error) => void } | null = null;
  private closed = false;

  /** Queues a link for the session's next `accept`. */
  hand(link: Link): void {
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter !== null) waiter.resolve(link);
    else this.links.push(link);
  }

  accept(): Promise<Link> {
    if (this.closed) return Promise.reject(listenerClosed());
    const link = this.links.shift();
    if (link !== undefined) return Promise.resolve(link);
    return new Promise((resolve, reject) => this.waiter = { resolve, reject });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const link of this.links.splice(0)) link.close();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(listenerClosed());
    return Promise.resolve();
  }
}

/** The error a closed listener's accept gives (see `isListenerClosedError`). */
function listenerClosed(): Error {
  const err = new Error("acceptWebSocket: the socket is closed");
  err.name = "BadResource";
  return err;
}

/** The platform's ways to turn a request into a WebSocket. */
interface UpgradingRuntime {
  Deno?: {
    upgradeWebSocket?: (
      request: Request,
      options?: { idleTimeout?: number },
    ) => { socket: WebSocket; response: Response };
  };
  WebSocketPair?: new () => { 0: WebSocket; 1: WebSocket & { accept(): void } };
}

/** The WebSocket peers of one socket that came through its `acceptWebSocket`. */
export class AcceptedWebSockets {
  private readonly listener = new HandedListener();
  private readonly session: AcceptSession;

  /**
   * @param socket the socket the peers join
   * @param mechanism the socket's mechanism name (NULL, PLAIN, CURVE), for the subprotocol
   */
  constructor(private readonly socket: TransportSocket, private readonly mechanism: () => string) {
    this.session = new AcceptSession(socket, this.listener);
  }

  /** Takes one upgrade request; returns the 101 response (or a 400 when no subprotocol fits). */
  accept(request: Request): Response {
    if (!(request instanceof Request)) throw zmqError("EINVAL", "acceptWebSocket needs a Request");
    if (!canUpgrade()) {
      throw zmqError(
        "ENOTSUP",
        "acceptWebSocket: this runtime cannot turn a Request into a WebSocket " +
          "(it has neither Deno.upgradeWebSocket nor WebSocketPair): " +
          "on Node and Bun, bind ws://host:port on the socket instead",
      );
    }
    wsPlainTransport.checkSocketType(this.socket.type);
    const upgrade = request.headers.get("upgrade") ?? "";
    if (request.method !== "GET" || upgrade.toLowerCase() !== "websocket") {
      throw zmqError(
        "EINVAL",
        `acceptWebSocket: ${request.method} ${
          new URL(request.url).pathname
        } is not a WebSocket upgrade request`,
      );
    }
    const mechanism = this.mechanism();
    const offered = splitList(request.headers.get("sec-websocket-protocol") ?? undefined);
    const protocol = chooseProtocol(offered, mechanism);
    const url = new URL(request.url);
    const address = `${url.protocol === "https:" ? "wss" : "ws"}://${url.host}${url.pathname}`;
    if (protocol === null) {
      const reason = `no ZWS subprotocol for mechanism ${mechanism} in the offer ` +
        `(${offered.join(",") || "none"})`;
      this.socket.emit({
        type: "handshake:error:protocol",
        address: ACCEPTED_ENDPOINT,
        peer: address,
        error: zmqError("EPROTO", reason),
      });
      return new Response(reason + "\n", { status: 400 });
    }
    const { socket, response } = upgrade_(request, this.idleTimeout());
    response.headers.set("Sec-WebSocket-Protocol", protocol);
    this.listener.hand(wsLink(new WsObjectChannel(socket, address, protocol)));
    return response;
  }

  /**
   * Seconds of silence after which the platform drops the peer: it pings
   * on its own (a platform WebSocket cannot be told to), so the socket's
   * heartbeat settings become its idle timeout.
   */
  private idleTimeout(): number | undefined {
    const { heartbeatInterval, heartbeatTimeout } = this.socket as unknown as {
      heartbeatInterval: number;
      heartbeatTimeout: number;
    };
    if (heartbeatInterval <= 0) return undefined;
    const timeout = heartbeatTimeout >= 0 ? heartbeatTimeout : heartbeatInterval;
    return Math.max(1, Math.ceil((heartbeatInterval + timeout) / 1000));
  }

  /** Ends every peer that came this way. */
  close(): Promise<void> {
    return this.session.close();
  }
}

/**
 * True where a Request can become a WebSocket: Deno, and edge platforms
 * with `WebSocketPair`. Node has no Request-based upgrade (its `upgrade`
 * event hands over a raw socket), and Bun's `server.upgrade` gives the
 * connection to the server's own `websocket` handlers, not to the caller.
 */
function canUpgrade(): boolean {
  const runtime = globalThis as UpgradingRuntime;
  return typeof runtime.Deno?.upgradeWebSocket === "function" ||
    typeof runtime.WebSocketPair === "function";
}

/** Upgrades with what the platform offers; `EINVAL` for a request it refuses. */
function upgrade_(request: Request, idleTimeout: number | undefined) {
  const runtime = globalThis as UpgradingRuntime;
  const upgradeWebSocket = runtime.Deno?.upgradeWebSocket;
  try {
    if (typeof upgradeWebSocket === "function") {
      return upgradeWebSocket(request, idleTimeout === undefined ? {} : { idleTimeout });
    }
    if (typeof runtime.WebSocketPair === "function") {
      const pair = new runtime.WebSocketPair();
      pair[1].accept();
      const response = new Response(null, {
        status: 101,
        webSocket: pair[0],
      } as ResponseInit);
      return { socket: pair[1] as WebSocket, response };
    }
  } catch (err) {
    throw zmqError(
      "EINVAL",
      `acceptWebSocket: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  throw zmqError(
    "ENOTSUP",
    "acceptWebSocket: this runtime cannot upgrade an HTTP request to a WebSocket",
  );
}
