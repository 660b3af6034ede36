/**
 * tcp and ipc on `node:net`: the transport for Node and Bun (whose
 * `node:net` is native), and for tcp connects from a source address on
 * Deno (`Deno.connect` cannot choose the local end; Deno's `node:net`
 * can). ws and wss use the same streams on Node and Bun, wss with
 * `node:tls` over the connected socket (ws.ts). The modules are reached
 * through `process.getBuiltinModule`, never imported, so neither a browser
 * build nor Deno's own path loads them.
 *
 * Hot path: one `data` handler queues whatever the socket delivered and
 * wakes the engine's pending read, which then decodes every frame in it;
 * the engine already batches many messages into one write, so a write is
 * one `socket.write` and one callback.
 *
 * @module
 */

import { type ZmqError, zmqError } from "../errors.ts";
import type { ByteStream } from "./byte_stream.ts";
import { type Link, type Listener, streamLink } from "./link.ts";

/** The part of a `node:net` (or `node:tls`) socket this adapter uses. */
interface NodeSocket {
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "end" | "close", listener: () => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  once(event: "connect" | "secure" | "secureConnect", listener: () => void): void;
  once(event: "error", listener: (err: Error) => void): void;
  removeAllListeners(event: string): void;
  write(data: Uint8Array, callback?: (err?: Error | null) => void): boolean;
  cork(): void;
  uncork(): void;
  pause(): void;
  resume(): void;
  destroy(): void;
  setNoDelay(noDelay: boolean): void;
  setKeepAlive(enable: boolean): void;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

interface NodeServer {
  on(event: "connection", listener: (socket: NodeSocket) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  once(event: "listening", listener: () => void): void;
  once(event: "error", listener: (err: Error) => void): void;
  removeAllListeners(event: string): void;
  listen(options: { host?: string; port?: number; path?: string; exclusive?: boolean }): void;
  close(callback?: () => void): void;
  address(): { address: string; port: number } | string | null;
}

/** Where to connect or listen: a tcp host and port, or a Unix socket path. */
export type NodeAddress =
  | { host: string; port: number; localAddress?: string; localPort?: number }
  | { path: string };

interface NodeNet {
  connect(options: NodeAddress): NodeSocket;
  createServer(options: { noDelay?: boolean; pauseOnConnect?: boolean }): NodeServer;
}

/** The part of `node:tls` that wraps a connected socket (client) or an accepted one (server). */
interface NodeTls {
  connect(
    options: { socket: NodeSocket; host: string; servername?: string; ca?: string[] },
  ): NodeSocket;
  createSecureContext(options: { cert: string; key: string }): unknown;
  TLSSocket: new (
    socket: NodeSocket,
    options: { isServer: true; secureContext: unknown },
  ) => NodeSocket;
  readonly rootCertificates: readonly string[];
}

/** How a client checks the server's certificate (libzmq's ZMQ_WSS_TRUST_PEM, ZMQ_WSS_HOSTNAME). */
export interface TlsClientSettings {
  /** The name the certificate must carry (an address: its IP SAN). */
  hostname: string;
  /** A CA to trust besides the runtime's roots. */
  trustPem: string | null;
}

/** A server's certificate and key (libzmq's ZMQ_WSS_CERT_PEM, ZMQ_WSS_KEY_PEM). */
export interface TlsServerSettings {
  certPem: string;
  keyPem: string;
}

/** Stop taking data from the OS while this many bytes wait to be read. */
const PAUSE_AT = 1024 * 1024;

/** `node:net`, where the runtime has it (Node, Bun, Deno), else null (a browser). */
export function nodeNetModule(): NodeNet | null {
  const process = (globalThis as {
    process?: { getBuiltinModule?: (name: string) => unknown };
  }).process;
  return (process?.getBuiltinModule?.("net") as NodeNet | undefined) ?? null;
}

function nodeNet(): NodeNet {
  const net = nodeNetModule();
  if (net === null) throw zmqError("ENOTSUP", "this runtime has no node:net");
  return net;
}

function nodeTls(): NodeTls {
  const process = (globalThis as {
    process?: { getBuiltinModule?: (name: string) => unknown };
  }).process;
  const tls = process?.getBuiltinModule?.("tls") as NodeTls | undefined;
  if (tls === undefined) throw zmqError("ENOTSUP", "this runtime has no node:tls");
  return tls;
}

/** True for an IPv4 or IPv6 literal, which TLS must not send as a server name (RFC 6066). */
function isIpAddress(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(":");
}

/** node:net's error codes that libzmq reports as they are. */
const KEPT_CODES = new Set([
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EACCES",
  "ECONNREFUSED",
  "ENOENT",
  "EHOSTUNREACH",
]);

/** A node:net error as a {@link ZmqError} with the same errno name where libzmq has it. */
export function fromNodeError(err: unknown, what: string): ZmqError {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === "EPERM") return zmqError("EACCES", `${what}: ${message}`, err);
  if (typeof code === "string" && KEPT_CODES.has(code)) {
    return zmqError(code as "EACCES", `${what}: ${message}`, err);
  }
  return zmqError("EINVAL", `${what}: ${message}`, err);
}

/** An endpoint string for a connection's peer (`peer`: its tcp address, null for ipc). */
function peerText(peer: { host: string; port: number } | null, address: NodeAddress): string {
  if ("path" in address) return `ipc://${address.path.replace(/^\0/, "@")}`;
  const host = peer?.host ?? address.host;
  const port = peer?.port ?? address.port;
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}

/** An endpoint string for a connected socket's peer. */
function peerOf(socket: NodeSocket, address: NodeAddress): string {
  const host = socket.remoteAddress;
  return peerText(host === undefined ? null : { host, port: socket.remotePort ?? 0 }, address);
}

/**
 * Connects to `address`; resolves once connected. Errors are node:net's.
 * With `tls`, the connected socket starts a TLS client handshake whose
 * outcome (a certificate error included) the stream's `handshake()` gives,
 * as `Deno.startTls` does: a refused connection and a refused certificate
 * stay different failures.
 */
export function connectNode(
  address: NodeAddress,
  tls?: TlsClientSettings,
): Promise<{ stream: ByteStream; address: string }> {
  const socket = nodeNet().connect(address);
  return new Promise((resolve, reject) => {
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      if (!("path" in address)) socket.setNoDelay(true);
      const stream = tls === undefined ? new NodeSocketStream(socket) : secureClient(socket, tls);
      resolve({ stream, address: peerOf(socket, address) });
    });
  });
}

/** A TLS client over a connected socket, checking the certificate against `tls`. */
function secureClient(socket: NodeSocket, tls: TlsClientSettings): NodeTlsStream {
  const module = nodeTls();
  const { hostname, trustPem } = tls;
  const secure = module.connect({
    socket,
    host: hostname,
    servername: isIpAddress(hostname) ? undefined : hostname,
    ca: trustPem === null ? undefined : [...module.rootCertificates, trustPem],
  });
  socket.on("error", () => {}); // the TLS socket reports it
  return new NodeTlsStream(secure, "secureConnect");
}

/** Connects from `local` to `host:port`; resolves once connected. */
export function connectFrom(
  host: string,
  port: number,
  local: { host: string; port: number },
): Promise<{ stream: ByteStream; address: string }> {
  return connectNode({ host, port, localAddress: local.host, localPort: local.port });
}

/** The error an accept gives once its listener is closed (as Deno's: see isListenerClosedError). */
function listenerClosed(): Error {
  const err = new Error("the listener is closed");
  err.name = "BadResource";
  return err;
}

/** How a listener turns an accepted connection's stream into a link. */
export type NodeLinkFactory = (
  stream: ByteStream,
  peer: { host: string; port: number } | null,
) => Link;

/** Where a listener's accepted streams go, and whether they speak TLS first. */
export interface NodeAcceptSettings {
  /** Makes each accepted connection's link (default: the socket's own engine). */
  link?: NodeLinkFactory;
  /** A TLS server: each accepted stream's `handshake()` runs TLS with this certificate. */
  tls?: TlsServerSettings;
}

/**
 * Listens on `address` with node:net. `describe` turns the bound address
 * into the endpoint `lastEndpoint` reports; `afterClose` runs once the
 * server has stopped (ipc removes its file).
 */
export function listenNode(
  address: NodeAddress,
  what: string,
  describe: (bound: { address: string; port: number } | string | null) => string,
  afterClose: () => void = () => {},
  accept: NodeAcceptSettings = {},
): Promise<Listener> {
  let wrap = (socket: NodeSocket): ByteStream => new NodeSocketStream(socket);
  if (accept.tls !== undefined) {
    const module = nodeTls();
    let secureContext: unknown;
    try {
      secureContext = module.createSecureContext({
        cert: accept.tls.certPem,
        key: accept.tls.keyPem,
      });
    } catch (err) {
      return Promise.reject(zmqError("EINVAL", `${what}: ${(err as Error).message}`, err));
    }
    wrap = (socket) => {
      socket.on("error", () => {}); // the TLS socket reports it
      return new NodeTlsStream(
        new module.TLSSocket(socket, { isServer: true, secureContext }),
        "secure",
      );
    };
  }
  const link: NodeLinkFactory = accept.link ??
    ((stream, peer) => streamLink(stream, peerText(peer, address)));
  const server = nodeNet().createServer({ noDelay: !("path" in address) });
  return new Promise((resolve, reject) => {
    server.once("error", (err) => reject(fromNodeError(err, what)));
    server.once("listening", () => {
      server.removeAllListeners("error");
      const endpoint = describe(server.address());
      resolve(new NodeListener(server, endpoint, address, afterClose, wrap, link));
    });
    const { host, port } = address as { host?: string; port?: number };
    server.listen("path" in address ? { path: address.path } : { host, port, exclusive: true });
  });
}

/** Accepted connections wait in a queue until the session asks for the next. */
class NodeListener implements Listener {
  private readonly ready: Link[] = [];
  private waiter: { resolve: (link: Link) => void; reject: (err: Error) => void } | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly server: NodeServer,
    readonly endpoint: string,
    address: NodeAddress,
    private readonly afterClose: () => void,
    wrap: (socket: NodeSocket) => ByteStream,
    linkFor: NodeLinkFactory,
  ) {
    const tcp = !("path" in address);
    server.on("connection", (socket) => {
      if (tcp) socket.setNoDelay(true);
      const peer = tcp && socket.remoteAddress !== undefined
        ? { host: socket.remoteAddress, port: socket.remotePort ?? 0 }
        : null;
      const link = linkFor(wrap(socket), peer);
      const waiter = this.waiter;
      this.waiter = null;
      if (waiter !== null) waiter.resolve(link);
      else this.ready.push(link);
    });
    server.on("error", () => {}); // one failed accept never ends the listener
  }

  accept(): Promise<Link> {
    const link = this.ready.shift();
    if (link !== undefined) return Promise.resolve(link);
    if (this.closing !== null) return Promise.reject(listenerClosed());
    return new Promise((resolve, reject) => this.waiter = { resolve, reject });
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = new Promise((resolve) => {
      this.server.close(() => {
        this.afterClose();
        resolve();
      });
    });
    for (const link of this.ready.splice(0)) link.close();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(listenerClosed());
    return this.closing;
  }
}

/** Buffers what the socket emits until the engine reads it. */
class NodeSocketStream implements ByteStream {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private paused = false;
  protected ended = false;
  protected failure: Error | null = null;
  protected wake: (() => void) | null = null;

  constructor(protected readonly socket: NodeSocket) {
    socket.on("data", (chunk) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= PAUSE_AT && !this.paused) {
        this.paused = true;
        socket.pause();
      }
      this.notify();
    });
    socket.on("end", () => {
      this.ended = true;
      this.notify();
    });
    socket.on("close", () => {
      this.ended = true;
      this.notify();
    });
    socket.on("error", (err) => {
      this.failure = err;
      this.notify();
    });
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.chunks.length === 0) {
      if (this.failure !== null) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((resolve) => this.wake = resolve);
    }
    let filled = 0;
    while (filled < buffer.length && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const n = Math.min(chunk.length, buffer.length - filled);
      buffer.set(n === chunk.length ? chunk : chunk.subarray(0, n), filled);
      filled += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    this.buffered -= filled;
    if (this.paused && this.buffered < PAUSE_AT / 2) {
      this.paused = false;
      this.socket.resume();
    }
    return filled;
  }

  write(data: Uint8Array): Promise<number> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(closedStream());
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => err ? reject(err) : resolve(data.length));
    });
  }

  /** One corked batch: Node hands every chunk to the OS in one writev. */
  writeChunks(chunks: readonly Uint8Array[]): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(closedStream());
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      socket.cork();
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) socket.write(chunks[i]);
      socket.write(chunks[last], (err) => err ? reject(err) : resolve());
      socket.uncork();
    });
  }

  close(): void {
    this.ended = true;
    this.socket.destroy();
    this.notify();
  }

  setKeepAlive(enable: boolean): void {
    this.socket.setKeepAlive(enable);
  }

  protected notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/**
 * A TLS socket's stream: `handshake()` resolves once the TLS handshake is
 * done and rejects with its error (an untrusted certificate, a wrong
 * name), as a `Deno.TlsConn`'s does.
 */
class NodeTlsStream extends NodeSocketStream {
  private secure = false;

  /** @param secureEvent the event that ends the handshake: "secureConnect" (client) or "secure" (server) */
  constructor(socket: NodeSocket, secureEvent: "secure" | "secureConnect") {
    super(socket);
    socket.once(secureEvent, () => {
      this.secure = true;
      this.notify();
    });
  }

  async handshake(): Promise<void> {
    while (!this.secure) {
      if (this.failure !== null) throw this.failure;
      if (this.ended) throw closedStream();
      await new Promise<void>((resolve) => this.wake = resolve);
    }
  }
}

/** A write after the stream ended: counted as the peer going away. */
function closedStream(): Error {
  const err = new Error("the stream is closed") as Error & { code: string };
  err.code = "EPIPE";
  return err;
}
