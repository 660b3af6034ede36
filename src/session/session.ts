/**
 * Sessions tie engines to pipes. A connecting session owns one pipe for its
 * endpoint and reconnects under it; an accepting listener makes one pipe per
 * accepted connection. Both give the socket only pipes and events.
 *
 * @module
 */

import type { Timer } from "../timer.ts";
import { ZmqError } from "../errors.ts";
import type { SocketEvent } from "../events.ts";
import { ReconnectStop } from "../options.ts";
import type { PeerInfo, Pipe } from "../pipe/pipe.ts";
import type { Binding } from "../transport/registry.ts";
import { isListenerClosedError } from "../transport/byte_stream.ts";
import type { Link, Listener } from "../transport/link.ts";
import type { EngineFactory, EngineHandler, EngineStop, SessionEngine } from "./engine.ts";

/** What sessions need from their socket. */
export interface SessionOwner extends EngineFactory {
  readonly immediate: boolean;
  readonly reconnectInterval: number;
  readonly reconnectMaxInterval: number;
  /** libzmq's ZMQ_RECONNECT_STOP bits (see `ReconnectStop`). */
  readonly reconnectStop: number;
  readonly linger: number;
  /** A new pipe sized with the socket's high-water marks. */
  newPipe(endpoint: string): Pipe;
  /** The socket starts using the pipe. */
  attachPipe(pipe: Pipe): void;
  /** The socket stops using the pipe, which lets its far end wind down. */
  detachPipe(pipe: Pipe): void;
  /** Records a monitor event. */
  emit(event: SocketEvent): void;
}

const HANDSHAKE_EVENTS = {
  protocol: "handshake:error:protocol",
  auth: "handshake:error:auth",
  other: "handshake:error:other",
} as const;

/**
 * Reports how an engine ended as monitor events, as libzmq does: a
 * connection that ended on its own is a `disconnect`, preceded by a
 * `handshake:error:*` when it never completed its handshake; one that our
 * side closed (disconnect, unbind, close, linger) is not reported.
 */
function reportStop(
  owner: SessionOwner,
  endpoint: string,
  engine: SessionEngine,
  stop: EngineStop,
): void {
  if (stop.requested) return;
  const error = stop.error instanceof Error ? stop.error : undefined;
  const peer = engine.address;
  if (stop.handshakeFailure !== undefined) {
    owner.emit({ type: HANDSHAKE_EVENTS[stop.handshakeFailure], address: endpoint, error, peer });
  }
  owner.emit({ type: "disconnect", address: endpoint, error, peer });
}

/**
 * Waits up to `linger` ms (-1: without limit) for the engine to write what
 * is queued, then closes it.
 */
async function lingerAndClose(engine: SessionEngine, linger: number): Promise<void> {
  if (linger !== 0 && engine.hasPendingOutput) {
    let timer: Timer | undefined;
    const deadline = linger > 0
      ? new Promise<void>((resolve) => timer = setTimeout(resolve, linger))
      : null;
    await (deadline === null ? engine.drained() : Promise.race([engine.drained(), deadline]));
    clearTimeout(timer);
  }
  engine.close();
}

/**
 * The connecting side of one endpoint: connects, reconnects with back-off,
 * and keeps one pipe across reconnections (unless `immediate`), so messages
 * sent while disconnected wait for the next connection, as in libzmq.
 */
export class ConnectSession implements EngineHandler {
  private pipe: Pipe | null = null;
  private engine: SessionEngine | null = null;
  private timer: Timer | undefined;
  private interval: number;
  private stopped = false;
  /** True once the current pipe has had a connection (the next one is a reconnection). */
  private pipeConnected = false;
  /** Set while lingering: the session ends once its pipe is written out. */
  private lingering = false;
  private lingerTimer: Timer | undefined;
  private onFinished: (() => void) | null = null;

  /**
   * Creates a session; call {@link start}.
   * @param owner the socket
   * @param endpoint the endpoint as given to `connect`
   * @param dial one connection attempt
   */
  constructor(
    private readonly owner: SessionOwner,
    private readonly endpoint: string,
    private readonly dial: () => Promise<Link>,
  ) {
    this.interval = owner.reconnectInterval;
  }

  /** Attaches the pipe (unless `immediate`) and starts connecting. */
  start(): void {
    if (!this.owner.immediate) this.openPipe(null);
    this.connect();
  }

  /**
   * Gives the socket a new pipe for this endpoint. The socket may refuse it
   * at once (PAIR with a peer already), which leaves `this.pipe` null.
   */
  private openPipe(peer: PeerInfo | null): Pipe {
    const pipe = this.owner.newPipe(this.endpoint);
    pipe.peer = peer;
    pipe.locallyInitiated = true;
    pipe.onReleased = () => this.pipeReleased(pipe);
    this.pipe = pipe;
    this.pipeConnected = false;
    this.owner.attachPipe(pipe);
    return pipe;
  }

  /**
   * The socket let go of our pipe. When it did so while still wanting this
   * endpoint (it stops the session first on disconnect or close), it refused
   * the peer, as PAIR refuses a second one: drop the connection and keep
   * reconnecting, each connection bringing a new pipe, as libzmq does.
   */
  private pipeReleased(pipe: Pipe): void {
    if (this.stopped || this.pipe !== pipe) return;
    this.pipe = null;
    this.engine?.close();
  }

  private async connect(): Promise<void> {
    this.timer = undefined;
    let link: Link;
    try {
      link = await this.dial();
    } catch (err) {
      if (this.stopped && !this.lingering) return;
      this.attemptFailed(err);
      return;
    }
    if (this.stopped && !this.lingering) {
      link.close();
      return;
    }
    const address = link.address;
    let engine: SessionEngine;
    try {
      engine = link.start(this.owner, this);
    } catch (err) {
      // The socket's settings cannot make an engine (a bad security option):
      // report it like a failed attempt rather than throwing into a timer.
      link.close();
      this.attemptFailed(err);
      return;
    }
    this.interval = this.owner.reconnectInterval;
    this.owner.emit({ type: "connect", address: this.endpoint, peer: address });
    this.engine = engine;
    engine.start();
  }

  /** Reports a connection attempt that failed with `err` and schedules the next. */
  private attemptFailed(err: unknown): void {
    this.owner.emit({
      type: "connect:delay",
      address: this.endpoint,
      error: err instanceof Error ? err : undefined,
    });
    // libzmq's connecter reports closing the socket of a failed attempt.
    this.owner.emit({ type: "close", address: this.endpoint });
    const refused = err instanceof ZmqError && err.code === "ECONNREFUSED";
    const bits = this.owner.reconnectStop;
    if (
      refused && ((bits & ReconnectStop.connectionRefused) !== 0 ||
        (this.lingering && (bits & ReconnectStop.afterDisconnect) !== 0))
    ) {
      this.finish();
      return;
    }
    this.retry();
  }

  private retry(): void {
    if (this.stopped && !this.lingering) return;
    const interval = this.interval;
    // reconnectInterval -1: no reconnection, as libzmq's ZMQ_RECONNECT_IVL.
    if (interval < 0) return;
    const max = this.owner.reconnectMaxInterval;
    if (max > 0) this.interval = Math.min(max, this.interval * 2);
    this.owner.emit({ type: "connect:retry", address: this.endpoint, interval });
    this.timer = setTimeout(() => this.connect(), interval);
  }

  onReady(engine: SessionEngine, peer: PeerInfo): Pipe {
    this.owner.emit({ type: "handshake", address: this.endpoint, peer: engine.address });
    let pipe = this.pipe;
    if (pipe === null) {
      // May be refused at once; the engine is then already closed.
      pipe = this.openPipe(peer);
    } else {
      pipe.setPeer(peer);
      // Only a pipe that outlived a connection is told of the reconnection;
      // a new one is set up by the socket when it is attached.
      if (this.pipeConnected) pipe.onReconnect?.();
    }
    this.pipeConnected = true;
    pipe.connected();
    // Lingering: finish once the engine, which takes the pipe when this
    // returns, has written what the pipe holds.
    if (this.lingering) queueMicrotask(() => this.finishWhenDrained(engine));
    return pipe;
  }

  onStopped(engine: SessionEngine, stop: EngineStop): void {
    if (this.engine === engine) this.engine = null;
    reportStop(this.owner, this.endpoint, engine, stop);
    if (stop.wasReady && !stop.requested) this.pipe?.disconnected();
    if (this.owner.immediate && this.pipe !== null && stop.wasReady) {
      this.pipe.terminate();
      this.pipe = null;
    }
    if (this.stopped && !this.lingering) return;
    if (
      !stop.wasReady && !stop.requested &&
      (this.owner.reconnectStop & ReconnectStop.handshakeFailed) !== 0
    ) {
      this.finish();
      return;
    }
    this.retry();
  }

  /** Stops the session: lingers while queued messages remain, as the socket's `linger` says. */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    const linger = this.owner.linger;
    // Queued messages, or a batch the engine is still writing.
    const pending = (this.pipe !== null && this.pipe.outbound.length > 0) ||
      (this.engine !== null && this.engine.hasPendingOutput);
    if (linger === 0 || !pending) {
      this.finish();
      return Promise.resolve();
    }
    const stopped = new Promise<void>((resolve) => {
      this.onFinished = resolve;
      this.lingering = true;
      if (linger > 0) this.lingerTimer = setTimeout(() => this.finish(), linger);
      if (this.engine !== null) this.finishWhenDrained(this.engine);
    });
    // The socket forgets the peer now; the engine keeps writing the pipe while it lingers.
    if (this.pipe !== null && !this.pipe.detached) this.owner.detachPipe(this.pipe);
    return stopped;
  }

  /**
   * Finishes once `engine` has written everything. If the connection is
   * lost first with messages left, the session reconnects (it still
   * lingers) and the next engine tries again.
   */
  private finishWhenDrained(engine: SessionEngine): void {
    engine.drained().then(() => {
      if (!this.lingering) return;
      if (this.pipe === null || this.pipe.outbound.length === 0) this.finish();
    });
  }

  private finish(): void {
    clearTimeout(this.lingerTimer);
    this.lingering = false;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.engine?.close();
    this.engine = null;
    if (this.pipe !== null && !this.pipe.detached) this.pipe.terminate();
    this.pipe = null;
    const done = this.onFinished;
    this.onFinished = null;
    done?.();
  }
}

/**
 * A bound endpoint: accepts connections and gives each its own pipe once
 * its handshake completes; the pipe ends with the connection.
 */
export class AcceptSession implements Binding {
  private readonly engines = new Map<SessionEngine, Pipe | null>();
  private closed = false;
  /** Ends once the listener is closed and its pending accept has returned. */
  private readonly accepting: Promise<void>;

  /** Starts accepting on `listener`. */
  constructor(
    private readonly owner: SessionOwner,
    readonly listener: Listener,
  ) {
    this.accepting = this.acceptLoop();
  }

  /** The endpoint as bound (with the real port). */
  get endpoint(): string {
    return this.listener.endpoint;
  }

  private async acceptLoop(): Promise<void> {
    while (!this.closed) {
      let link: Link;
      try {
        link = await this.listener.accept();
      } catch (err) {
        if (this.closed) return;
        this.owner.emit({
          type: "accept:error",
          address: this.endpoint,
          error: err instanceof Error ? err : undefined,
        });
        if (isListenerClosedError(err)) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      if (this.closed) {
        link.close();
        return;
      }
      try {
        this.startEngine(link);
      } catch (err) {
        // Nothing about one connection may end the accept loop.
        link.close();
        this.owner.emit({
          type: "accept:error",
          address: this.endpoint,
          error: err instanceof Error ? err : undefined,
        });
      }
    }
  }

  private startEngine(link: Link): void {
    const address = link.address;
    this.owner.emit({ type: "accept", address: this.endpoint, peer: address });
    const handler: EngineHandler = {
      onReady: (engine, peer) => {
        const pipe = this.owner.newPipe(this.endpoint);
        pipe.peer = peer;
        pipe.onReleased = () => this.release(engine);
        this.engines.set(engine, pipe);
        this.owner.attachPipe(pipe);
        this.owner.emit({ type: "handshake", address: this.endpoint, peer: engine.address });
        pipe.connected();
        return pipe;
      },
      onStopped: (engine, stop) => {
        const pipe = this.engines.get(engine);
        this.engines.delete(engine);
        reportStop(this.owner, this.endpoint, engine, stop);
        if (stop.wasReady && !stop.requested) pipe?.disconnected();
        pipe?.terminate();
      },
    };
    const engine = link.start(this.owner, handler);
    this.engines.set(engine, null);
    engine.start();
  }

  /** The socket let go of one connection's pipe. */
  private release(engine: SessionEngine): Promise<void> {
    return lingerAndClose(engine, this.owner.linger);
  }

  /**
   * Stops listening. Connections still in their handshake are closed; the
   * others are released by the socket and end after lingering.
   * Resolves once the listening socket is really gone: Deno releases it
   * only when the pending accept returns, and until then the address
   * cannot be bound again (for ipc: once the socket file is removed).
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.owner.emit({ type: "close", address: this.endpoint });
      for (const [engine, pipe] of [...this.engines]) {
        if (pipe === null) engine.close();
        else this.owner.detachPipe(pipe);
      }
    }
    const released = this.listener.close(); // idempotent: the same promise each time
    return Promise.all([this.accepting, released]).then(() => {});
  }
}
