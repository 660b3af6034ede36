/**
 * A `node:net` socket as a {@link ByteStream}. Deno's own `Deno.connect`
 * cannot choose the local address of a connection; Node's `net.connect`
 * (which Deno implements) can, so tcp connects with a source address
 * (`tcp://source;destination`) go through it. The module is reached
 * through `process.getBuiltinModule`, never imported, so a browser build
 * does not pull it in.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import type { ByteStream } from "./byte_stream.ts";

/** The part of a `node:net` socket this adapter uses. */
interface NodeSocket {
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "end" | "close", listener: () => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  once(event: "connect", listener: () => void): void;
  once(event: "error", listener: (err: Error) => void): void;
  removeAllListeners(event: string): void;
  write(data: Uint8Array, callback: (err?: Error | null) => void): boolean;
  pause(): void;
  resume(): void;
  destroy(): void;
  setNoDelay(noDelay: boolean): void;
  setKeepAlive(enable: boolean): void;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

interface NodeNet {
  connect(options: {
    host: string;
    port: number;
    localAddress?: string;
    localPort?: number;
  }): NodeSocket;
}

/** Stop taking data from the OS while this many bytes wait to be read. */
const PAUSE_AT = 1024 * 1024;

function nodeNet(): NodeNet {
  const process = (globalThis as {
    process?: { getBuiltinModule?: (name: string) => unknown };
  }).process;
  const net = process?.getBuiltinModule?.("net") as NodeNet | undefined;
  if (net === undefined) {
    throw zmqError("ENOTSUP", "a tcp source address needs node:net, which this runtime lacks");
  }
  return net;
}

/** Connects from `local` to `host:port`; resolves once connected. */
export function connectFrom(
  host: string,
  port: number,
  local: { host: string; port: number },
): Promise<{ stream: ByteStream; address: string }> {
  const socket = nodeNet().connect({ host, port, localAddress: local.host, localPort: local.port });
  return new Promise((resolve, reject) => {
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      socket.setNoDelay(true);
      const remote = socket.remoteAddress ?? host;
      const address = remote.includes(":")
        ? `tcp://[${remote}]:${socket.remotePort}`
        : `tcp://${remote}:${socket.remotePort}`;
      resolve({ stream: new NodeSocketStream(socket), address });
    });
  });
}

/** Buffers what the socket emits until the engine reads it. */
class NodeSocketStream implements ByteStream {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private paused = false;
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly socket: NodeSocket) {
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
      buffer.set(chunk.subarray(0, n), filled);
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
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => err ? reject(err) : resolve(data.length));
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

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
