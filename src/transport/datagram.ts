/**
 * UDP sockets for the datagram transports (udp, epgm): Deno's
 * `Deno.listenDatagram` (behind `--unstable-net`) on Deno, `node:dgram`
 * on Node and Bun. node:dgram is reached through
 * `process.getBuiltinModule`, never imported, so neither a browser build
 * nor Deno's path loads it; Deno is asked first, so Deno never uses it.
 *
 * The transports keep what is theirs (endpoint parsing, Deno's permission
 * checks and flag messages, framing, sessions); this module only opens,
 * reads, writes, joins groups and turns either runtime's errors into
 * libzmq's codes.
 *
 * @module
 */

import { ZmqError, zmqError } from "../errors.ts";
import { fromNodeError } from "./node_socket.ts";
import { hasRawSockets } from "./runtime.ts";

/** How to bind a datagram socket. */
export interface DatagramOptions {
  /** The local IPv4 address (`0.0.0.0` for any). */
  hostname: string;
  /** The local port; 0 for a free one. */
  port: number;
  /** SO_REUSEADDR, so several sockets hear one multicast port. */
  reuseAddress?: boolean;
  /** IP_MULTICAST_LOOP: multicast sent here is also heard on this host. */
  loopback?: boolean;
}

/**
 * Called with each datagram heard and its sender's IPv4 address. `transient`
 * is true when `data` is a view of the reused scratch buffer, which the next
 * read overwrites: keep a copy, not the view.
 */
export type DatagramHandler = (data: Uint8Array, from: string, transient: boolean) => void;

/** One UDP socket, the same on Deno and on node:dgram. */
export interface DatagramSocket {
  /**
   * Resolves once the socket is bound. On Deno that is already true when
   * {@link openDatagram} returns (it throws instead); node:dgram binds in the
   * background and rejects here with a {@link ZmqError}.
   */
  readonly ready: Promise<void>;
  /** The bound port (after {@link ready}). */
  localPort(): number;
  /**
   * Hands every datagram to `handler` until the socket closes; resolves
   * then. With `scratch`, Deno reads into it (one buffer for every read).
   */
  listen(handler: DatagramHandler, scratch?: Uint8Array): Promise<void>;
  /** Sends one datagram; rejects if the OS refused it. */
  send(data: Uint8Array, host: string, port: number): Promise<unknown>;
  /** Joins an IPv4 multicast group on the interface with that address. */
  joinGroup(group: string, interfaceAddress: string): Promise<void>;
  /** Leaves a group joined with {@link joinGroup}. */
  leaveGroup(group: string, interfaceAddress: string): Promise<void>;
  /**
   * Makes this socket a multicast sender to `group` out of the interface
   * with that address, with IP TTL `hops`, looped back to this host.
   */
  sendMulticast(group: string, interfaceAddress: string, hops: number): Promise<void>;
  /** Stops reading and releases the socket (idempotent). */
  close(): void;
}

/** Where the datagram sockets come from here: Deno, node:dgram, or nowhere (a browser). */
export function datagramRuntime(): "deno" | "node" | "none" {
  if (hasRawSockets()) return "deno";
  return nodeDgram() === null ? "none" : "node";
}

/** True on Deno when its UDP API is there (it needs `--unstable-net`). */
export function hasDenoDatagrams(): boolean {
  const deno = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno;
  return typeof deno?.listenDatagram === "function";
}

/**
 * Opens and binds a UDP socket. The caller checked the runtime (see
 * {@link datagramRuntime}, {@link hasDenoDatagrams}) and, on Deno, the
 * permissions.
 * @throws {ZmqError} what Deno's bind refused, with libzmq's code.
 */
export function openDatagram(options: DatagramOptions, what: string): DatagramSocket {
  if (datagramRuntime() === "deno") {
    let conn: Deno.DatagramConn;
    try {
      conn = Deno.listenDatagram({ transport: "udp", ...options });
    } catch (err) {
      throw datagramError(err, what);
    }
    return new DenoDatagram(conn);
  }
  const dgram = nodeDgram();
  if (dgram === null) throw zmqError("ENOTSUP", `${what}: this runtime has no UDP sockets`);
  return new NodeDatagram(dgram, options, what);
}

/** The IPv4 address of the interface named `name` (`lo`, `eth0`), or undefined. */
export function interfaceIpv4(name: string): string | undefined {
  if (datagramRuntime() === "deno") {
    return Deno.networkInterfaces().find((i) => i.name === name && i.family === "IPv4")?.address;
  }
  const os = builtin<{
    networkInterfaces(): Record<string, { address: string; family: string | number }[]>;
  }>("os");
  // Node 18.0–18.3 gave the family as a number.
  return os?.networkInterfaces()[name]?.find((i) => i.family === "IPv4" || i.family === 4)
    ?.address;
}

/** A runtime's datagram error as a {@link ZmqError} with libzmq's code. */
export function datagramError(err: unknown, what: string): ZmqError {
  if (err instanceof ZmqError) return err;
  const name = err instanceof Error ? err.name : "";
  const message = err instanceof Error ? err.message : String(err);
  if (name === "AddrInUse") return zmqError("EADDRINUSE", `${what}: address in use`, err);
  if (name === "AddrNotAvailable") {
    return zmqError("EADDRNOTAVAIL", `${what}: address not available`, err);
  }
  if (name === "NotCapable" || name === "PermissionDenied") {
    return zmqError("EACCES", `${what}: ${message}`, err);
  }
  return fromNodeError(err, what); // node:dgram's errno codes, else EINVAL
}

function builtin<T>(name: string): T | null {
  const process = (globalThis as {
    process?: { getBuiltinModule?: (name: string) => unknown };
  }).process;
  return (process?.getBuiltinModule?.(name) as T | undefined) ?? null;
}

/** The part of a node:dgram socket used here. */
interface NodeUdpSocket {
  bind(options: { address: string; port: number }): void;
  on(event: "message", listener: (msg: Uint8Array, from: { address: string }) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  once(event: "listening" | "close", listener: () => void): void;
  once(event: "error", listener: (err: Error) => void): void;
  removeAllListeners(event: string): void;
  send(data: Uint8Array, port: number, host: string, done: (err: Error | null) => void): void;
  addMembership(group: string, interfaceAddress: string): void;
  dropMembership(group: string, interfaceAddress: string): void;
  setMulticastInterface(interfaceAddress: string): void;
  setMulticastTTL(hops: number): void;
  setMulticastLoopback(loop: boolean): void;
  address(): { port: number };
  close(): void;
}

interface NodeDgram {
  createSocket(options: { type: "udp4"; reuseAddr?: boolean }): NodeUdpSocket;
}

function nodeDgram(): NodeDgram | null {
  return builtin<NodeDgram>("dgram");
}

/** Deno's DatagramConn: memberships kept to leave them by group and interface. */
class DenoDatagram implements DatagramSocket {
  readonly ready = Promise.resolve();
  readonly #memberships = new Map<string, Promise<Deno.MulticastV4Membership>>();
  /** The last address sent to (a Radio always sends to one): no object per datagram. */
  #target: Deno.NetAddr = { transport: "udp", hostname: "", port: 0 };

  constructor(private readonly conn: Deno.DatagramConn) {}

  localPort(): number {
    return (this.conn.addr as Deno.NetAddr).port;
  }

  async listen(handler: DatagramHandler, scratch?: Uint8Array): Promise<void> {
    const transient = scratch !== undefined;
    for (;;) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await this.conn.receive(scratch);
      } catch {
        return; // closed
      }
      handler(received[0], (received[1] as Deno.NetAddr).hostname, transient);
    }
  }

  send(data: Uint8Array, hostname: string, port: number): Promise<unknown> {
    let target = this.#target;
    if (target.hostname !== hostname || target.port !== port) {
      target = this.#target = { transport: "udp", hostname, port };
    }
    return this.conn.send(data, target);
  }

  joinGroup(group: string, interfaceAddress: string): Promise<void> {
    const membership = this.conn.joinMulticastV4(group, interfaceAddress);
    this.#memberships.set(`${group}/${interfaceAddress}`, membership);
    return membership.then(() => {});
  }

  async leaveGroup(group: string, interfaceAddress: string): Promise<void> {
    const key = `${group}/${interfaceAddress}`;
    const membership = this.#memberships.get(key);
    this.#memberships.delete(key);
    await (await membership)?.leave();
  }

  async sendMulticast(group: string, interfaceAddress: string, hops: number): Promise<void> {
    // Deno has no IP_MULTICAST_IF: the caller bound this socket to the
    // interface's address, which picks the interface. TTL and loopback are
    // set through a membership.
    const membership = await this.conn.joinMulticastV4(group, interfaceAddress);
    await membership.setTTL(hops);
    await membership.setLoopback(true);
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

/**
 * Sends between two turns of the event loop on node:dgram: 16 lets a Dish in
 * the same process keep up (libuv reads up to 32 datagrams a turn); 64 lost
 * half of a 200 000-datagram burst on Node 20.
 */
const YIELD_EVERY = 16;

/** Runs `callback` once the event loop has polled for I/O (setImmediate on Node and Bun). */
function afterIo(callback: () => void): void {
  const setImmediate = (globalThis as { setImmediate?: (callback: () => void) => void })
    .setImmediate;
  if (setImmediate !== undefined) setImmediate(callback);
  else setTimeout(callback, 0);
}

/** A node:dgram socket (Node, Bun). */
class NodeDatagram implements DatagramSocket {
  readonly ready: Promise<void>;
  readonly #socket: NodeUdpSocket;
  readonly #closed: Promise<void>;
  #markClosed = () => {};
  #open = true;
  #sent = 0;

  constructor(dgram: NodeDgram, options: DatagramOptions, what: string) {
    const socket = dgram.createSocket({ type: "udp4", reuseAddr: options.reuseAddress === true });
    this.#socket = socket;
    this.#closed = new Promise((resolve) => this.#markClosed = resolve);
    socket.once("close", () => this.#markClosed());
    this.ready = new Promise((resolve, reject) => {
      socket.once("error", (err) => {
        this.close();
        reject(datagramError(err, what));
      });
      socket.once("listening", () => {
        socket.removeAllListeners("error");
        socket.on("error", () => {}); // a failed send is reported to its callback
        if (options.loopback !== undefined) socket.setMulticastLoopback(options.loopback);
        resolve();
      });
    });
    this.ready.catch(() => {}); // handled by whoever awaits it; never an unhandled rejection
    socket.bind({ address: options.hostname, port: options.port });
  }

  localPort(): number {
    return this.#socket.address().port;
  }

  listen(handler: DatagramHandler): Promise<void> {
    // Each message is a Buffer of its own: hand it on as a plain Uint8Array view.
    this.#socket.on("message", (msg, from) => {
      handler(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), from.address, false);
    });
    return this.#closed;
  }

  /**
   * node:dgram sends at once when it can and calls back on the next tick,
   * so a loop awaiting each send would never let the event loop read
   * (this process's own Dish would lose nearly everything): every
   * {@link YIELD_EVERY}th send resolves only after pending I/O has run.
   */
  send(data: Uint8Array, host: string, port: number): Promise<void> {
    if (!this.#open) return Promise.reject(new Error("the socket is closed"));
    return new Promise((resolve, reject) => {
      this.#socket.send(data, port, host, (err) => {
        if (err) reject(err);
        else if (++this.#sent % YIELD_EVERY === 0) afterIo(resolve);
        else resolve();
      });
    });
  }

  joinGroup(group: string, interfaceAddress: string): Promise<void> {
    return this.#call(() => this.#socket.addMembership(group, interfaceAddress));
  }

  leaveGroup(group: string, interfaceAddress: string): Promise<void> {
    return this.#call(() => this.#socket.dropMembership(group, interfaceAddress));
  }

  sendMulticast(_group: string, interfaceAddress: string, hops: number): Promise<void> {
    return this.#call(() => {
      this.#socket.setMulticastInterface(interfaceAddress);
      this.#socket.setMulticastTTL(hops);
      this.#socket.setMulticastLoopback(true);
    });
  }

  /** node:dgram's socket options throw synchronously: as a promise, like Deno's. */
  #call(apply: () => void): Promise<void> {
    try {
      apply();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#socket.close();
    } catch {
      this.#markClosed(); // never bound, or closed already: no "close" event will come
    }
  }
}
