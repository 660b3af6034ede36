/**
 * What every socket type shares: options, endpoints, pipes, the pending
 * send/receive queues, timeouts, events and closing.
 *
 * A socket type extends {@link SocketBase} and says only how it routes:
 * what happens to a new pipe (`xAttach`), a pipe that went away
 * (`xTerminated`), an outgoing message (`xSend`) and the next incoming one
 * (`xRecv`), as libzmq's socket_base_t does.
 *
 * @module
 */

import { nextTurn, type Timer } from "./timer.ts";
import { Context } from "./context.ts";
import { zmqError } from "./errors.ts";
import { EventStream, type SocketEvent } from "./events.ts";
import { type Message, type MessageLike, toMessage } from "./message.ts";
import type { MechanismContext } from "./mechanism/mechanism.ts";
import { checkSecurityOptions, createMechanism, mechanismName } from "./mechanism/select.ts";
import { AcceptedWebSockets } from "./transport/ws_accept.ts";
import {
  applyOptions,
  checkMetadata,
  DEFAULT_OPTIONS,
  type SocketOptions,
  type TypeDefaults,
} from "./options.ts";
import { conflatedQueues, conflatePipe } from "./pipe/conflate.ts";
import { Pipe } from "./pipe/pipe.ts";
import {
  Engine,
  type EngineConfig,
  type EngineHandler,
  type SessionEngine,
} from "./session/engine.ts";
import type { ByteStream } from "./transport/byte_stream.ts";
import {
  type Binding,
  type Connection,
  resolveEndpoint,
  type TransportSocket,
} from "./transport/registry.ts";
import { NO_WIRE_ADAPTER, type WireAdapter } from "./wire/adapter.ts";
import type { ZmtpSocketType } from "./wire/socket_types.ts";

const RESOLVED: Promise<void> = Promise.resolve();
const DONE: IteratorResult<Message> = { value: undefined, done: true };
const utf8 = new TextEncoder();
/** The routing id bytes of a socket without one (shared: nobody writes to it). */
const NO_ROUTING_ID = new Uint8Array(0);

/** A pending `send` or `receive`, settled in call order. */
interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
  timer: Timer | undefined;
  /** Set when the caller passed a signal: the listener is removed once the waiter settles. */
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
}

interface SendWaiter extends Waiter<void> {
  msg: Message;
}

type ReceiveWaiter = Waiter<Message>;

/** Options of {@link SocketBase.send}. */
export interface SendOptions {
  /** Stop waiting for room when this signal aborts (the message is then not sent). */
  signal?: AbortSignal;
}

/** Options of {@link SocketBase.receive}. */
export interface ReceiveOptions {
  /** Stop waiting when this signal aborts. */
  signal?: AbortSignal;
}

/** Option names every socket accepts in its constructor. */
export const COMMON_OPTION_NAMES: readonly string[] = Object.keys(DEFAULT_OPTIONS);

// Sessions take the socket as their SessionOwner, checked where they are
// created; `implements SessionOwner` is left out to keep that internal
// interface out of the public type.

/**
 * The base of every socket class. Not constructed directly: use `Push`,
 * `Pull`, `Pair` and the other socket types.
 */
export abstract class SocketBase implements AsyncIterable<Message> {
  // ---- options (see SocketOptions for their meaning) ----
  /** See {@link SocketOptions.sendHighWaterMark}. */
  sendHighWaterMark: number = DEFAULT_OPTIONS.sendHighWaterMark;
  /** See {@link SocketOptions.receiveHighWaterMark}. */
  receiveHighWaterMark: number = DEFAULT_OPTIONS.receiveHighWaterMark;
  /** See {@link SocketOptions.linger}. */
  linger: number = DEFAULT_OPTIONS.linger;
  /** See {@link SocketOptions.sendTimeout}. */
  sendTimeout: number = DEFAULT_OPTIONS.sendTimeout;
  /** See {@link SocketOptions.receiveTimeout}. */
  receiveTimeout: number = DEFAULT_OPTIONS.receiveTimeout;
  /** See {@link SocketOptions.reconnectInterval}. */
  reconnectInterval: number = DEFAULT_OPTIONS.reconnectInterval;
  /** See {@link SocketOptions.reconnectStop}. */
  reconnectStop: number = DEFAULT_OPTIONS.reconnectStop;
  /** See {@link SocketOptions.reconnectMaxInterval}. */
  reconnectMaxInterval: number = DEFAULT_OPTIONS.reconnectMaxInterval;
  /** See {@link SocketOptions.handshakeInterval}. */
  handshakeInterval: number = DEFAULT_OPTIONS.handshakeInterval;
  /** See {@link SocketOptions.heartbeatInterval}. */
  heartbeatInterval: number = DEFAULT_OPTIONS.heartbeatInterval;
  /** See {@link SocketOptions.heartbeatTimeout}. */
  heartbeatTimeout: number = DEFAULT_OPTIONS.heartbeatTimeout;
  /** See {@link SocketOptions.heartbeatTimeToLive}. */
  heartbeatTimeToLive: number = DEFAULT_OPTIONS.heartbeatTimeToLive;
  /** See {@link SocketOptions.maxMessageSize}. */
  maxMessageSize: number = DEFAULT_OPTIONS.maxMessageSize;
  /** See {@link SocketOptions.rate}. */
  rate: number = DEFAULT_OPTIONS.rate;
  /** See {@link SocketOptions.recoveryInterval}. */
  recoveryInterval: number = DEFAULT_OPTIONS.recoveryInterval;
  /** See {@link SocketOptions.multicastHops}. */
  multicastHops: number = DEFAULT_OPTIONS.multicastHops;
  /** See {@link SocketOptions.multicastMaxTransportDataUnit}. */
  multicastMaxTransportDataUnit: number = DEFAULT_OPTIONS.multicastMaxTransportDataUnit;
  /** See {@link SocketOptions.routingId}. */
  routingId: Uint8Array | string | null = DEFAULT_OPTIONS.routingId;
  /** See {@link SocketOptions.immediate}. */
  immediate: boolean = DEFAULT_OPTIONS.immediate;
  /** See {@link SocketOptions.tcpKeepalive}. */
  tcpKeepalive: number = DEFAULT_OPTIONS.tcpKeepalive;
  /**
   * See {@link SocketOptions.conflate}: PUSH, PULL, PUB, SUB and DEALER only
   * (the types libzmq honours it on); elsewhere `true` is refused with
   * `EINVAL`. Applies to connections made after it is set.
   */
  get conflate(): boolean {
    return this.conflating;
  }

  set conflate(on: boolean) {
    if (on && conflatedQueues(this.type) === undefined) {
      throw zmqError(
        "EINVAL",
        `conflate applies to PUSH, PULL, PUB, SUB and DEALER sockets, not ${this.type} (as libzmq)`,
      );
    }
    this.conflating = on;
  }

  private conflating = DEFAULT_OPTIONS.conflate;
  /** See {@link SocketOptions.ipv6}. */
  ipv6: boolean = DEFAULT_OPTIONS.ipv6;
  /** See {@link SocketOptions.socksProxy}. */
  socksProxy: string | null = DEFAULT_OPTIONS.socksProxy;
  /** See {@link SocketOptions.socksUsername}. */
  socksUsername: string | null = DEFAULT_OPTIONS.socksUsername;
  /** See {@link SocketOptions.socksPassword}. */
  socksPassword: string | null = DEFAULT_OPTIONS.socksPassword;
  /**
   * See {@link SocketOptions.metadata}: a name that does not start with
   * `X-`, or an empty value, is refused with `EINVAL` (as libzmq).
   */
  get metadata(): Readonly<Record<string, string>> {
    return this.handshakeMetadata;
  }

  set metadata(properties: Readonly<Record<string, string>>) {
    this.handshakeMetadata = checkMetadata(properties);
  }

  private handshakeMetadata: Readonly<Record<string, string>> = DEFAULT_OPTIONS.metadata;
  /** See {@link SocketOptions.plainServer}. */
  plainServer: boolean = DEFAULT_OPTIONS.plainServer;
  /** See {@link SocketOptions.plainUsername}. */
  plainUsername: string | null = DEFAULT_OPTIONS.plainUsername;
  /** See {@link SocketOptions.plainPassword}. */
  plainPassword: string | null = DEFAULT_OPTIONS.plainPassword;
  /** See {@link SocketOptions.curveServer}. */
  curveServer: boolean = DEFAULT_OPTIONS.curveServer;
  /** See {@link SocketOptions.curvePublicKey}. */
  curvePublicKey: string | Uint8Array | null = DEFAULT_OPTIONS.curvePublicKey;
  /** See {@link SocketOptions.curveSecretKey}. */
  curveSecretKey: string | Uint8Array | null = DEFAULT_OPTIONS.curveSecretKey;
  /** See {@link SocketOptions.curveServerKey}. */
  curveServerKey: string | Uint8Array | null = DEFAULT_OPTIONS.curveServerKey;
  /** See {@link SocketOptions.zapDomain}. */
  zapDomain: string = DEFAULT_OPTIONS.zapDomain;
  /** See {@link SocketOptions.zapEnforceDomain}. */
  zapEnforceDomain: boolean = DEFAULT_OPTIONS.zapEnforceDomain;
  /** See {@link SocketOptions.authenticate}. */
  authenticate: SocketOptions["authenticate"] = DEFAULT_OPTIONS.authenticate;
  /** See {@link SocketOptions.wssCertPem}. */
  wssCertPem: string | null = DEFAULT_OPTIONS.wssCertPem;
  /** See {@link SocketOptions.wssKeyPem}. */
  wssKeyPem: string | null = DEFAULT_OPTIONS.wssKeyPem;
  /** See {@link SocketOptions.wssTrustPem}. */
  wssTrustPem: string | null = DEFAULT_OPTIONS.wssTrustPem;
  /** See {@link SocketOptions.wssHostname}. */
  wssHostname: string | null = DEFAULT_OPTIONS.wssHostname;

  /** The context whose in-process endpoint names this socket uses. */
  readonly context: Context;
  /** The ZMTP socket type, e.g. `PUSH`. */
  readonly type: ZmtpSocketType;
  /** The resolved address of the last `bind` (with the real port for `*`/`0`). */
  lastEndpoint: string | null = null;

  /**
   * Socket types that drop instead of waiting (PUB, XPUB, ROUTER) never make
   * `send` wait, so a tight `await send()` loop would run on microtasks alone
   * and starve the engines' writes until every queue overflows. Such types
   * set this: every so many immediate sends, `send` resolves on the next
   * event-loop turn instead, letting I/O keep up (one timer per batch).
   */
  protected yieldEvery = 0;
  /** What {@link droppedMessages} reports; socket types that drop add to it. */
  protected droppedCount = 0;
  private sendsSinceYield = 0;
  private isClosed = false;
  private readonly eventStream = new EventStream();
  private readonly sendWaiters: SendWaiter[] = [];
  private readonly receiveWaiters: ReceiveWaiter[] = [];
  private readonly pipes = new Set<Pipe>();
  /** What this socket listens on, by bound endpoint (with the real port). */
  private readonly bindings = new Map<string, Binding>();
  /** What this socket connects to, by endpoint as given. */
  private readonly connections = new Map<string, Connection[]>();
  /** Peers that came through {@link acceptWebSocket}. */
  private webSockets: AcceptedWebSockets | null = null;
  private readableStream: ReadableStream<Message> | null = null;
  private writableStream: WritableStream<MessageLike | MessageLike[]> | null = null;

  /**
   * Called by the socket classes with their type, the user's options and
   * their own defaults. A socket type declares its option properties with
   * `declare` (no initialiser, which would run after this constructor and
   * undo the user's value) and gives their defaults here.
   *
   * @param type the ZMTP socket type
   * @param options constructor options
   * @param typeDefaults the type's own options with their defaults, and common options it changes
   * @throws {ZmqError} `EINVAL` for an option name the type does not have, or a value it refuses.
   */
  protected constructor(
    type: ZmtpSocketType,
    options?: object,
    typeDefaults: TypeDefaults = {},
  ) {
    this.type = type;
    const given = options as { context?: Context } | undefined;
    this.context = given?.context ?? Context.default;
    Object.assign(this, typeDefaults);
    const known = new Set([...COMMON_OPTION_NAMES, ...Object.keys(typeDefaults)]);
    applyOptions(this, options, known);
    cores.set(this, this.makeCore());
  }

  // ---- what a socket type provides ----

  /** @internal A new peer: add it to the routing strategies. */
  protected abstract xAttach(pipe: Pipe): void;
  /** @internal A peer went away: remove it from the routing strategies. */
  protected abstract xTerminated(pipe: Pipe): void;
  /** @internal Routes one outgoing message: true when queued, false when the caller must wait. */
  protected xSend(_msg: Message): boolean {
    throw zmqError("ENOTSUP", `${this.type} sockets cannot send`);
  }
  /** @internal The next incoming message, or undefined when none is ready. */
  protected xRecv(): Message | undefined {
    throw zmqError("ENOTSUP", `${this.type} sockets cannot receive`);
  }
  /** @internal A pipe's inbound queue went from empty to non-empty. */
  protected xReadable(_pipe: Pipe): void {}
  /** @internal A pipe's outbound queue has room again. */
  protected xWritable(_pipe: Pipe): void {}
  /** @internal A connecting pipe's transport reconnected (libzmq's hiccup). */
  protected xReconnected(_pipe: Pipe): void {}
  /**
   * @internal ZMQ_HELLO_MSG, on the types that send one (Router, Dealer,
   * Server, Client, Peer): the first message to every new connection (again
   * after each reconnection). Null: none.
   */
  protected helloFrame(): Uint8Array | null {
    return null;
  }
  /**
   * @internal What this socket receives, as from the peer, when a peer's
   * connection ends by itself after its handshake: libzmq's
   * ZMQ_DISCONNECT_MSG for a peer it accepted (Router, Server, Peer) and
   * ZMQ_HICCUP_MSG for one it connected to (Dealer, Client, Peer). Null: nothing.
   */
  protected lostPeerFrame(_pipe: Pipe): Uint8Array | null {
    return null;
  }
  /** @internal A connection under the pipe completed its handshake (not inproc). */
  protected xConnected(_pipe: Pipe): void {}
  /** @internal A peer's connection ended by itself: receive the message the type says. */
  protected xDisconnected(pipe: Pipe): void {
    const frame = this.lostPeerFrame(pipe);
    if (frame !== null) pipe.inbound.push([frame]);
  }
  /**
   * @internal The pipe's `peer` was filled in by a handshake. A connecting pipe is
   * attached before its first handshake (with `peer` null); this tells the
   * socket type who is at the other end, again after each reconnection.
   */
  protected xPeerReady(_pipe: Pipe): void {}

  // ---- state ----

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Monitor events; they end when the socket closes. Recording starts on first access. */
  get events(): AsyncIterable<SocketEvent> {
    return this.eventStream.observe();
  }

  /**
   * Messages this socket dropped instead of queueing: for `Publisher` and
   * `XPublisher` one per subscriber that missed a message at its high-water
   * mark, for `Router` one per message to an unknown or full peer. Other
   * types never drop (they wait). A running total, never reset.
   */
  get droppedMessages(): number {
    return this.droppedCount;
  }

  // ---- endpoints ----

  /**
   * Listens on an endpoint, `transport://address` (a wildcard port picks a
   * free one; see {@link lastEndpoint}). Rejects with `EINVAL` for a
   * malformed endpoint, `EPROTONOSUPPORT` for an unknown transport,
   * `EADDRINUSE` when the address is taken, `EACCES` for a missing
   * permission.
   */
  async bind(endpoint: string): Promise<void> {
    this.assertOpen();
    const { transport, endpoint: ep } = resolveEndpoint(endpoint, true);
    transport.checkSocketType(this.type);
    if (this.bindings.has(endpoint)) {
      throw zmqError("EADDRINUSE", `${endpoint} is already bound by this socket`);
    }
    let binding: Binding;
    try {
      binding = await transport.bind(ep, socketCore(this));
    } catch (err) {
      this.emit({ type: "bind:error", address: endpoint, error: err as Error });
      throw err;
    }
    if (this.isClosed) {
      binding.close();
      throw zmqError("ETERM", "socket closed while binding");
    }
    this.bindings.set(binding.endpoint, binding);
    this.lastEndpoint = binding.endpoint;
    this.emit({ type: "bind", address: binding.endpoint });
  }

  /**
   * Stops listening on an endpoint, named as `lastEndpoint` reported it
   * (for a wildcard port, the real one: the wildcard form is `ENOENT`, as
   * in libzmq), and closes the connections accepted there. Resolves once
   * the address is free to be bound again (a Unix socket file is removed
   * by then).
   */
  unbind(endpoint: string): Promise<void> {
    try {
      return this.unbindNow(endpoint);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Unbinds, throwing synchronously; resolves once the listener is gone. */
  private unbindNow(endpoint: string): Promise<void> {
    this.assertOpen();
    resolveEndpoint(endpoint, true);
    const binding = this.bindings.get(endpoint);
    if (binding === undefined) throw notBound(endpoint);
    this.bindings.delete(endpoint);
    return binding.close();
  }

  /**
   * Connects to an endpoint in the background. Peers may start in any
   * order: the socket keeps reconnecting every `reconnectInterval` ms.
   * A malformed endpoint throws `EINVAL`; a missing Deno permission throws
   * `EACCES` at once, naming the flag to add (nothing is retried then).
   *
   * @throws {ZmqError} `EINVAL` (malformed endpoint or security options),
   * `EPROTONOSUPPORT` (unknown transport), `ENOTSUP`/`ENOCOMPATPROTO` (a
   * transport this socket type cannot use), `EACCES` (missing permission),
   * `ETERM` (socket closed).
   */
  connect(endpoint: string): void {
    this.assertOpen();
    const { transport, endpoint: ep } = resolveEndpoint(endpoint, false);
    transport.checkSocketType(this.type);
    const connection = transport.connect(ep, socketCore(this));
    const list = this.connections.get(endpoint) ?? [];
    list.push(connection);
    this.connections.set(endpoint, list);
  }

  /**
   * Takes one WebSocket upgrade request from an HTTP server you already
   * run (`Deno.serve`, an edge platform's `fetch` handler, a framework) as
   * a new peer of this socket, speaking ZWS 2.0 as a `ws://` bind would,
   * and returns the response to send back (101; 400 when the client offers
   * no subprotocol for this socket's mechanism). A request that is not a
   * WebSocket upgrade throws `EINVAL`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Publisher, Subscriber } from "@zmtp/zmq";
   * const pub = new Publisher();
   * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) =>
   *   new URL(request.url).pathname === "/feed"
   *     ? pub.acceptWebSocket(request)
   *     : new Response("hello"));
   * const sub = new Subscriber();
   * sub.connect(`ws://127.0.0.1:${server.addr.port}/feed`);
   * sub.subscribe("news");
   * while (pub.topicCount === 0) await new Promise((wake) => setTimeout(wake, 10));
   * await pub.send(["news", "first"]);
   * const [, text] = await sub.receive();
   * assert.equal(new TextDecoder().decode(text), "first");
   * sub.close();
   * pub.close();
   * await server.shutdown();
   * ```
   *
   * @throws {ZmqError} `EINVAL` for a request that is not a WebSocket
   * upgrade, `ENOTSUP` on a `Stream` socket, `ETERM` when the socket is closed.
   */
  acceptWebSocket(request: Request): Response {
    this.assertOpen();
    checkSecurityOptions(this);
    this.webSockets ??= new AcceptedWebSockets(socketCore(this), () => mechanismName(this));
    return this.webSockets.accept(request);
  }

  /**
   * Stops connecting to an endpoint and closes its connection (after lingering).
   *
   * @throws {ZmqError} `ENOENT` when this socket did not connect to
   * `endpoint`, `EINVAL` for a malformed one, `ETERM` when the socket is closed.
   */
  disconnect(endpoint: string): void {
    this.assertOpen();
    resolveEndpoint(endpoint, false);
    const connections = this.connections.get(endpoint);
    if (connections === undefined) throw notConnected(endpoint);
    this.connections.delete(endpoint);
    for (const connection of connections) connection.stop();
  }

  // ---- messages ----

  /**
   * Sends a message: a string or bytes, or an array of them for a multipart
   * message. Resolves once queued; waits while the high-water mark is
   * reached (for types that block), rejecting with `EAGAIN` after
   * `sendTimeout` ms. Buffers are not copied: do not change them afterwards.
   */
  send(msg: MessageLike | MessageLike[], options?: SendOptions): Promise<void> {
    if (this.isClosed) return Promise.reject(closedError());
    let frames: Message;
    try {
      frames = toMessage(msg);
      if (frames.length === 0) throw zmqError("EINVAL", "cannot send a message with no frames");
      if (this.sendWaiters.length === 0 && this.xSend(frames)) {
        if (this.yieldEvery === 0 || ++this.sendsSinceYield < this.yieldEvery) return RESOLVED;
        this.sendsSinceYield = 0;
        return nextTurn();
      }
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.sendTimeout === 0) return Promise.reject(timeoutError("send"));
    const signal = options?.signal ?? null;
    if (signal !== null && signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: SendWaiter = {
        msg: frames,
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: null,
      };
      enqueue(this.sendWaiters, waiter, this.sendTimeout, "send");
    });
  }

  /**
   * Queues a message now if the socket can take it without
   * waiting (libzmq's ZMQ_DONTWAIT); false when it would have to wait or
   * other sends are waiting. Does not yield to the event loop: a caller
   * that loops on it yields itself (as `proxy()` does per burst).
   * Throws as `send` rejects.
   */
  private trySend(msg: Message): boolean {
    if (this.isClosed) throw closedError();
    if (this.sendWaiters.length > 0) return false;
    return this.xSend(msg);
  }

  /**
   * The next message if one is ready now (libzmq's
   * ZMQ_DONTWAIT), else undefined; never while other receives wait.
   * Throws as `receive` rejects.
   */
  private tryReceive(): Message | undefined {
    if (this.isClosed) throw closedError();
    if (this.receiveWaiters.length > 0) return undefined;
    return this.xRecv();
  }

  /**
   * Receives the next message, one `Uint8Array` per frame. Rejects with
   * `EAGAIN` after `receiveTimeout` ms, or with the signal's reason when
   * `options.signal` aborts (no message is lost). Several calls may wait at
   * once; they complete in call order.
   */
  receive(options?: ReceiveOptions): Promise<Message> {
    return this.receiveUnless(options?.signal ?? null);
  }

  /** `receive()` that gives up (rejecting with the signal's reason) when `signal` aborts. */
  private receiveUnless(signal: AbortSignal | null): Promise<Message> {
    if (signal !== null && signal.aborted) return Promise.reject(signal.reason);
    if (this.isClosed) return Promise.reject(closedError());
    if (this.receiveWaiters.length === 0) {
      try {
        const msg = this.xRecv();
        if (msg !== undefined) return fulfilled(msg);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.waitToReceive(signal);
  }

  /** Queues a receive that waits for a message (none is ready now). */
  private waitToReceive(signal: AbortSignal | null): Promise<Message> {
    if (this.receiveTimeout === 0) return Promise.reject(timeoutError("receive"));
    // The caller waits for I/O, so event-loop turns pass before it sends
    // again: the sends so far need no cooperative yield (a ROUTER that
    // answers each request would otherwise take a turn's hop every 256).
    this.sendsSinceYield = 0;
    return new Promise((resolve, reject) => {
      const waiter: ReceiveWaiter = { resolve, reject, timer: undefined, signal, onAbort: null };
      enqueue(this.receiveWaiters, waiter, this.receiveTimeout, "receive");
    });
  }

  /**
   * Incoming messages as a Web Stream, one message per chunk, pulled on
   * demand: nothing is received that the reader did not ask for, so a slow
   * reader leaves messages in the socket's queues, whose high-water marks
   * push back on the senders. Closing the socket ends the stream.
   * Cancelling the stream (or a `pipeTo` that stops) ends it without
   * closing the socket and without losing a message; the next access to
   * `readable` then gives a fresh stream. A `receiveTimeout` that expires
   * errors the stream with `EAGAIN`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Pull, Push } from "@zmtp/zmq";
   * // A relay: everything `inbox` receives is sent on by `outbox`.
   * const inbox = new Pull();
   * await inbox.bind("inproc://relay-in");
   * const outbox = new Push();
   * await outbox.bind("inproc://relay-out");
   * const relaying = inbox.readable.pipeTo(outbox.writable).catch(() => {});
   * const producer = new Push();
   * producer.connect("inproc://relay-in");
   * const consumer = new Pull();
   * consumer.connect("inproc://relay-out");
   * await producer.send("relayed");
   * const [text] = await consumer.receive();
   * assert.equal(new TextDecoder().decode(text), "relayed");
   * for (const socket of [producer, consumer, inbox, outbox]) socket.close();
   * await relaying;
   * ```
   */
  get readable(): ReadableStream<Message> {
    if (this.readableStream === null) this.readableStream = this.newReadable();
    return this.readableStream;
  }

  /** A pull-based stream over `receive`; cancelling it lets `readable` make a fresh one. */
  private newReadable(): ReadableStream<Message> {
    const cancelled = new AbortController();
    const stream: ReadableStream<Message> = new ReadableStream<Message>({
      pull: async (controller) => {
        try {
          controller.enqueue(await this.receiveUnless(cancelled.signal));
        } catch (err) {
          if (cancelled.signal.aborted) return;
          if (this.isClosed) controller.close();
          else controller.error(err);
        }
      },
      cancel: () => {
        cancelled.abort();
        if (this.readableStream === stream) this.readableStream = null;
      },
    }, { highWaterMark: 0 });
    return stream;
  }

  /**
   * A Web Stream that sends each chunk (a message or an array of frames).
   * Its back-pressure is the socket's: a write completes when the message
   * is queued, so a full high-water mark holds the writer (and a `pipeTo`
   * into it) back, and nothing piles up in the stream itself. Aborting the
   * stream abandons a write still waiting for room. Closing or aborting the
   * stream leaves the socket open (the next access to `writable` gives a
   * fresh stream); closing the socket makes further writes fail with
   * `ETERM`.
   */
  get writable(): WritableStream<MessageLike | MessageLike[]> {
    if (this.writableStream === null) this.writableStream = this.newWritable();
    return this.writableStream;
  }

  /** A stream over `send`; closing or aborting it lets `writable` make a fresh one. */
  private newWritable(): WritableStream<MessageLike | MessageLike[]> {
    const forget = () => {
      if (this.writableStream === stream) this.writableStream = null;
    };
    const stream = new WritableStream<MessageLike | MessageLike[]>({
      write: (chunk, controller) => this.send(chunk, { signal: controller.signal }),
      close: forget,
      abort: forget,
    }, { highWaterMark: 1 });
    return stream;
  }

  /** Yields incoming messages until the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return {
      next: (): Promise<IteratorResult<Message>> => {
        if (this.isClosed) return Promise.resolve(DONE);
        if (this.receiveWaiters.length === 0) {
          // A message ready now: one promise, fulfilled with a result V8
          // knows the shape of (see `fulfilled`), instead of two.
          let value: Message | undefined;
          try {
            value = this.xRecv();
          } catch (err) {
            return Promise.reject(err);
          }
          if (value !== undefined) return Promise.resolve({ value, done: false });
        }
        return this.waitToReceive(null).then(
          (value) => ({ value, done: false }),
          (err) => this.isClosed ? DONE : Promise.reject(err),
        );
      },
      return: (): Promise<IteratorResult<Message>> => Promise.resolve(DONE),
    };
  }

  // ---- closing ----

  /**
   * Closes the socket. Pending `send`/`receive` calls reject with `ETERM`;
   * messages already queued are still delivered for up to `linger` ms.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const err = closedError();
    for (const waiter of this.sendWaiters.splice(0)) {
      settled(waiter);
      waiter.reject(err);
    }
    for (const waiter of this.receiveWaiters.splice(0)) {
      settled(waiter);
      waiter.reject(err);
    }
    for (const binding of this.bindings.values()) binding.close();
    this.webSockets?.close();
    this.bindings.clear();
    // Connections first: they linger on their pipes, which they would
    // otherwise take for a refused peer once released.
    for (const list of this.connections.values()) for (const c of list) c.stop();
    this.connections.clear();
    for (const pipe of [...this.pipes]) this.removePipe(pipe);
    this.eventStream.end();
  }

  /** Same as {@link close}, so `using socket = new Push()` closes it at scope end. */
  [Symbol.dispose](): void {
    this.close();
  }

  // ---- the core: what transports, sessions and the proxy use ----

  /**
   * The socket as transports, sessions and the proxy see it (see
   * {@link socketCore}): the methods they call, without putting them in
   * the socket's public type.
   */
  private makeCore(): SocketCore {
    // Settings (high-water marks, linger, reconnection, …) are read through
    // to the socket itself; the methods are the socket's private ones.
    const methods: Pick<SocketCore, CoreMethod> = {
      newPipe: (endpoint) => this.newPipe(endpoint),
      attachPipe: (pipe) => this.attachPipe(pipe),
      detachPipe: (pipe) => this.removePipe(pipe),
      createEngine: (stream, handler, address) => this.createEngine(stream, handler, address),
      engineConfig: (address) => this.engineConfig(address),
      routingIdBytes: () => this.routingIdBytes(),
      emit: (event) => this.emit(event),
      checkSecurity: () => checkSecurityOptions(this),
      trySend: (msg) => this.trySend(msg),
      tryReceive: () => this.tryReceive(),
    };
    return Object.assign(Object.create(coreSettings(this)), methods);
  }

  /** A connection came up: the hello goes first, then whatever the type adds. */
  private pipeConnected(pipe: Pipe): void {
    const hello = this.helloFrame();
    if (hello !== null) pipe.outbound.unshift([hello]);
    this.xConnected(pipe);
  }

  /** A pipe sized with this socket's high-water marks. */
  private newPipe(endpoint: string): Pipe {
    const pipe = Pipe.forEngine(endpoint, this.receiveHighWaterMark, this.sendHighWaterMark);
    if (this.conflating) conflatePipe(pipe, this.type);
    return pipe;
  }

  /** Starts using a pipe: wires its notifications and hands it to the socket type. */
  private attachPipe(pipe: Pipe): void {
    if (this.isClosed) {
      pipe.release();
      return;
    }
    this.pipes.add(pipe);
    pipe.inbound.onData = () => {
      this.xReadable(pipe);
      this.deliverReceives();
    };
    pipe.outbound.onSpace = () => {
      this.xWritable(pipe);
      this.retrySends();
    };
    pipe.onTerminated = () => this.forgetPipe(pipe);
    pipe.onReconnect = () => this.xReconnected(pipe);
    pipe.onPeer = () => this.xPeerReady(pipe);
    pipe.onConnected = () => this.pipeConnected(pipe);
    pipe.onDisconnected = () => this.xDisconnected(pipe);
    // inproc has no handshake: a hello goes out as the pipe is made (as libzmq's).
    const hello = pipe.inproc ? this.helloFrame() : null;
    if (hello !== null) pipe.outbound.push([hello]);
    this.xAttach(pipe);
    this.deliverReceives();
    this.retrySends();
  }

  /** @internal The engine for one new connection: ZMTP (STREAM overrides this with raw bytes). */
  protected createEngine(
    stream: ByteStream,
    handler: EngineHandler,
    peerAddress: string,
  ): SessionEngine {
    return new Engine(stream, this.engineConfig(peerAddress), handler, peerAddress);
  }

  /** Engine settings with a fresh mechanism for one connection. */
  private engineConfig(peerAddress: string): EngineConfig {
    const context: MechanismContext = {
      socketType: this.type,
      routingId: this.routingIdBytes(),
      metadata: this.handshakeMetadata,
      peerAddress,
    };
    const mechanism = createMechanism(this as unknown as SocketOptions, context);
    return {
      socketType: this.type,
      routingId: context.routingId!,
      mechanism,
      zmtp2Allowed: mechanism.name === "NULL" && this.zapDomain === "",
      maxMessageSize: this.maxMessageSize,
      handshakeInterval: this.handshakeInterval,
      heartbeatInterval: this.heartbeatInterval,
      heartbeatTimeout: this.heartbeatTimeout,
      heartbeatTimeToLive: this.heartbeatTimeToLive,
      wire: this.wireAdapter(),
    };
  }

  /**
   * @internal What this socket type adds on the wire, handed to the engine
   * of each connection (SUB's subscriptions as commands, DISH's JOIN and
   * LEAVE, …).
   */
  protected wireAdapter(): WireAdapter {
    return NO_WIRE_ADAPTER;
  }

  /** The routing id as bytes (empty when unset). */
  private routingIdBytes(): Uint8Array {
    const id = this.routingId;
    if (id === null) return NO_ROUTING_ID;
    return typeof id === "string" ? utf8.encode(id) : id;
  }

  /** @internal Records a monitor event. */
  protected emit(event: SocketEvent): void {
    this.eventStream.emit(event);
  }

  // ---- internals ----

  /** Satisfies waiting receivers from messages now available. */
  protected deliverReceives(): void {
    const waiters = this.receiveWaiters;
    while (waiters.length > 0) {
      let msg: Message | undefined;
      try {
        msg = this.xRecv();
      } catch (err) {
        const waiter = waiters.shift()!;
        settled(waiter);
        waiter.reject(err as Error);
        continue;
      }
      if (msg === undefined) return;
      const waiter = waiters.shift()!;
      settled(waiter);
      waiter.resolve(msg);
    }
  }

  /** Retries waiting senders now that some pipe has room. */
  protected retrySends(): void {
    const waiters = this.sendWaiters;
    while (waiters.length > 0) {
      const waiter = waiters[0];
      try {
        if (!this.xSend(waiter.msg)) return;
      } catch (err) {
        waiters.shift();
        settled(waiter);
        waiter.reject(err as Error);
        continue;
      }
      waiters.shift();
      settled(waiter);
      waiter.resolve();
    }
  }

  /** @internal Stops using a pipe and lets its far end wind down (a socket type may refuse a peer so). */
  protected removePipe(pipe: Pipe): void {
    this.forgetPipe(pipe);
    pipe.release();
  }

  /** Drops a pipe from the socket (its far end is gone or being released). */
  private forgetPipe(pipe: Pipe): void {
    if (!this.pipes.delete(pipe)) return;
    this.xTerminated(pipe);
  }

  /** Throws ETERM once the socket is closed. */
  private assertOpen(): void {
    if (this.isClosed) throw closedError();
  }
}

/** What transports, sessions and the proxy use of a socket; see {@link socketCore}. */
export interface SocketCore extends TransportSocket {
  /**
   * Queues a message now if the socket can take it without waiting
   * (libzmq's ZMQ_DONTWAIT); false when it would have to wait or other
   * sends are waiting. Does not yield to the event loop: a caller that
   * loops on it yields itself (as `proxy()` does per burst). Throws as
   * `send` rejects.
   */
  trySend(msg: Message): boolean;
  /**
   * The next message if one is ready now (libzmq's ZMQ_DONTWAIT), else
   * undefined; never while other receives wait. Throws as `receive` rejects.
   */
  tryReceive(): Message | undefined;
}

/** The members of a {@link SocketCore} that are not the socket's public settings. */
type CoreMethod =
  | "newPipe"
  | "attachPipe"
  | "detachPipe"
  | "createEngine"
  | "engineConfig"
  | "routingIdBytes"
  | "emit"
  | "checkSecurity"
  | "trySend"
  | "tryReceive";

const cores = new WeakMap<SocketBase, SocketCore>();

/** The socket as the settings part of its core (checked here: it has every one). */
function coreSettings(socket: SocketBase): Omit<SocketCore, CoreMethod> {
  return socket;
}

/**
 * The internal side of a socket, for transports, sessions and the proxy:
 * not exported from mod.ts, so none of it is in a socket's public type.
 */
export function socketCore(socket: SocketBase): SocketCore {
  return cores.get(socket)!;
}

/** @internal The bytes of a message option (hello, disconnect, hiccup); null or empty: none. */
export function optionFrame(value: string | Uint8Array | null): Uint8Array | null {
  if (value === null || value.length === 0) return null;
  return typeof value === "string" ? utf8.encode(value) : value;
}

/** Sends between event-loop turns for socket types that never wait (see `yieldEvery`). */
export const COOPERATIVE_SEND_BATCH = 256;

/** Queues a waiter, arming its timeout and abort signal. */
function enqueue<T>(queue: Waiter<T>[], waiter: Waiter<T>, timeout: number, what: string): void {
  if (timeout > 0) {
    waiter.timer = setTimeout(() => {
      removeItem(queue, waiter);
      settled(waiter);
      waiter.reject(timeoutError(what));
    }, timeout);
  }
  const signal = waiter.signal;
  if (signal !== null) {
    waiter.onAbort = () => {
      removeItem(queue, waiter);
      settled(waiter);
      waiter.reject(signal.reason);
    };
    signal.addEventListener("abort", waiter.onAbort, { once: true });
  }
  queue.push(waiter);
}

/** Releases what a waiter held while it waited (timer, abort listener). */
function settled<T>(waiter: Waiter<T>): void {
  // clearTimeout is not free in Deno (Node-compatible timers): skip it when unarmed.
  if (waiter.timer !== undefined) clearTimeout(waiter.timer);
  if (waiter.onAbort !== null) waiter.signal!.removeEventListener("abort", waiter.onAbort);
}

/**
 * `Promise.resolve(msg)`, made cheap. Fulfilling a promise with an object
 * means looking up the object's `then`; V8's optimising compiler skips that
 * lookup when it knows the object's shape (map), as it does after a property
 * read. A message taken from a queue has no known shape, so without the
 * `length` read below every receive paid the generic lookup through
 * Array.prototype and Object.prototype (20–35 ns a message, most of what the
 * library added to inproc's cost; bench/PROFILE.md item 16).
 */
function fulfilled(msg: Message): Promise<Message> {
  void msg.length;
  return Promise.resolve(msg);
}

function closedError() {
  return zmqError("ETERM", "socket is closed");
}

function timeoutError(what: string) {
  return zmqError("EAGAIN", `${what} timed out`);
}

function notBound(endpoint: string) {
  return zmqError("ENOENT", `${endpoint} is not bound`);
}

function notConnected(endpoint: string) {
  return zmqError("ENOENT", `${endpoint} is not connected`);
}

function removeItem<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}
