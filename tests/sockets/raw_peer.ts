/**
 * A hand-driven ZMTP peer on a raw TCP connection, for tests that check
 * what the library puts on the wire (ERROR, PONG) or how it treats a peer
 * the library itself would never be (ZMTP 2.0, an incompatible type).
 */

import { type Command, parseCommand, readyData } from "../../src/wire/command.ts";
import { FrameDecoder, FrameEncoder } from "../../src/wire/frame.ts";
import type { SocketBase } from "../../src/socket.ts";
import type { SocketEvent, SocketEventType } from "../../src/events.ts";
import { eventually } from "../helpers.ts";

/** A greeting written out by hand: signature, version, mechanism NULL, as-server 0. */
export function greeting(major = 3, minor = 1): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = major;
  g[11] = minor;
  g.set(new TextEncoder().encode("NULL"), 12);
  return g;
}

/** What arrived from the library, in order. */
type Incoming = { command: Command } | { message: Uint8Array[] };

/** A raw TCP connection speaking ZMTP by hand. */
export class RawPeer {
  private readonly decoder = new FrameDecoder();
  private readonly incoming: Incoming[] = [];
  /** The 64 bytes of the library's greeting, once read. */
  peerGreeting: Uint8Array | null = null;
  /** True once the library closed the connection. */
  ended = false;

  private constructor(private readonly conn: Deno.Conn) {}

  /** Connects to a tcp endpoint such as `tcp://127.0.0.1:5555`. */
  static async connect(endpoint: string): Promise<RawPeer> {
    const url = new URL(endpoint.replace(/^tcp:/, "http:"));
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    return new RawPeer(conn);
  }

  /** Writes raw bytes. */
  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.conn.write(bytes.subarray(offset));
  }

  /** Sends a command frame. */
  sendCommand(name: string, data: Uint8Array = new Uint8Array(0)): Promise<void> {
    const encoder = new FrameEncoder();
    encoder.command(name, data);
    return this.writeChunks(encoder.take());
  }

  /** Sends a data message. */
  sendMessage(frames: Uint8Array[]): Promise<void> {
    const encoder = new FrameEncoder();
    encoder.message(frames);
    return this.writeChunks(encoder.take());
  }

  /** Greeting (ZMTP 3.1 unless told otherwise) then READY with the given socket type. */
  async handshake(socketType: string, minor = 1): Promise<void> {
    await this.write(greeting(3, minor));
    await this.readGreeting();
    await this.sendCommand("READY", readyData(socketType));
  }

  /** Reads the library's 64-byte greeting. */
  async readGreeting(): Promise<Uint8Array> {
    const g = new Uint8Array(64);
    let filled = 0;
    while (filled < 64) {
      const n = await this.conn.read(g.subarray(filled));
      if (n === null) throw new Error("connection closed during greeting");
      filled += n;
    }
    this.peerGreeting = g;
    return g;
  }

  /** The next command from the library; throws if the connection ends first. */
  async nextCommand(): Promise<Command> {
    while (true) {
      const item = this.incoming.shift() ?? await this.readMore();
      if (item === null) throw new Error("connection closed before a command arrived");
      if ("command" in item) return item.command;
    }
  }

  /** Reads until the library closes the connection; resolves to what arrived meanwhile. */
  async readToEnd(): Promise<Incoming[]> {
    const seen = this.incoming.splice(0);
    while (true) {
      const item = await this.readMore().catch(() => null);
      if (item === null) return seen;
      seen.push(item);
    }
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }

  private async readMore(): Promise<Incoming | null> {
    while (this.incoming.length === 0) {
      if (this.ended) return null;
      const target = this.decoder.readTarget();
      const n = await this.conn.read(target);
      if (n === null) {
        this.ended = true;
        return null;
      }
      this.decoder.commit(n, {
        onMessage: (frames) => this.incoming.push({ message: frames.map((f) => f.slice()) }),
        onCommand: (body) => {
          this.incoming.push({ command: copy(parseCommand(body)) });
        },
      });
    }
    return this.incoming.shift()!;
  }

  private async writeChunks(chunks: Uint8Array[]): Promise<void> {
    for (const chunk of chunks) await this.write(chunk);
  }
}

function copy(command: Command): Command {
  return { name: command.name, data: command.data.slice() };
}

/** Records a socket's monitor events from now on (until it closes). */
export function recordEvents(socket: SocketBase): SocketEvent[] {
  const events: SocketEvent[] = [];
  (async () => {
    for await (const event of socket.events) events.push(event);
  })();
  return events;
}

/** Waits until `events` holds `count` events of `type`. */
export function eventsOf(
  events: SocketEvent[],
  type: SocketEventType,
  count = 1,
  ms = 5000,
): Promise<void> {
  return eventually(
    () => events.filter((e) => e.type === type).length >= count,
    ms,
    `${count} "${type}" event(s)`,
  );
}

/** A tcp port that was free a moment ago (for tests that connect before anyone binds). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}
