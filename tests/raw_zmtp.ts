/**
 * ZMTP written and read by hand, for tests that must control every byte:
 * hostile or broken peers, heartbeats, size limits, fuzzing. Nothing here
 * uses the library's own codec, so a bug there cannot hide itself.
 *
 * ```ts
 * const raw = await RawClient.connect(pull.lastEndpoint!);
 * await raw.handshake("PUSH");
 * await raw.write(message("hello"));
 * ```
 */

import { within } from "./helpers.ts";

/** Frame flag bits (RFC 23). */
export const MORE = 1;
/** The size field is 8 bytes. */
export const LONG = 2;
/** The frame is a command. */
export const COMMAND = 4;

const utf8 = new TextEncoder();

/** Bytes of a string, or the bytes as given. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? utf8.encode(data) : data;
}

/** Joins byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Options of {@link greeting}. */
export interface GreetingOptions {
  major?: number;
  minor?: number;
  mechanism?: string;
  asServer?: boolean;
}

/** A 64-byte ZMTP 3.x greeting (3.1, NULL, client unless told otherwise). */
export function greeting(options: GreetingOptions = {}): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = options.major ?? 3;
  g[11] = options.minor ?? 1;
  g.set(utf8.encode(options.mechanism ?? "NULL").subarray(0, 20), 12);
  g[32] = options.asServer ? 1 : 0;
  return g;
}

/**
 * One frame. A body over 255 bytes gets the 8-byte size; `long` forces it.
 * `declaredSize` writes a size field that differs from the body's length
 * (a lie, for hostile-input tests); it may be a bigint up to 2^64-1.
 */
export function frame(
  body: Uint8Array | string,
  flags = 0,
  options: { long?: boolean; declaredSize?: number | bigint } = {},
): Uint8Array {
  const bytes = toBytes(body);
  const size = BigInt(options.declaredSize ?? bytes.length);
  const long = options.long === true || size > 255n;
  const header = new Uint8Array(long ? 9 : 2);
  header[0] = (flags & ~LONG) | (long ? LONG : 0);
  if (long) new DataView(header.buffer).setBigUint64(1, size);
  else header[1] = Number(size);
  return concat(header, bytes);
}

/** A data message: one frame per part, MORE on all but the last. */
export function message(...parts: (Uint8Array | string)[]): Uint8Array {
  return concat(...parts.map((part, i) => frame(part, i < parts.length - 1 ? MORE : 0)));
}

/** A command frame: name length, name, data. */
export function command(name: string, data: Uint8Array | string = new Uint8Array(0)): Uint8Array {
  const nameBytes = utf8.encode(name);
  return frame(concat(new Uint8Array([nameBytes.length]), nameBytes, toBytes(data)), COMMAND);
}

/** A metadata property list: name length, name, 4-byte value length, value. */
export function metadata(props: [string, Uint8Array | string][]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, value] of props) {
    const nameBytes = utf8.encode(name);
    const valueBytes = toBytes(value);
    const head = new Uint8Array(1 + nameBytes.length + 4);
    head[0] = nameBytes.length;
    head.set(nameBytes, 1);
    new DataView(head.buffer).setUint32(1 + nameBytes.length, valueBytes.length);
    parts.push(head, valueBytes);
  }
  return concat(...parts);
}

/** READY with a Socket-Type and any other properties. */
export function ready(socketType: string, extra: [string, Uint8Array | string][] = []): Uint8Array {
  return command("READY", metadata([["Socket-Type", socketType], ...extra]));
}

/** PING with a TTL in deciseconds (as on the wire) and a context. */
export function ping(ttlDeciseconds: number, context: Uint8Array | string = ""): Uint8Array {
  const data = new Uint8Array(2);
  new DataView(data.buffer).setUint16(0, ttlDeciseconds);
  return command("PING", concat(data, toBytes(context)));
}

/** PONG carrying a context. */
export function pong(context: Uint8Array | string = ""): Uint8Array {
  return command("PONG", context);
}

/** A frame as read from the wire. */
export interface RawFrame {
  flags: number;
  body: Uint8Array;
}

/** A command frame's name and data, or null for a data frame. */
export function commandOf(f: RawFrame): { name: string; data: Uint8Array } | null {
  if ((f.flags & COMMAND) === 0) return null;
  const length = f.body[0];
  return {
    name: new TextDecoder().decode(f.body.subarray(1, 1 + length)),
    data: f.body.subarray(1 + length),
  };
}

/** The port of a `tcp://host:port` endpoint. */
export function tcpPort(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

/** A raw TCP connection that speaks ZMTP only as far as the test says. */
export class RawClient {
  private buffer: Uint8Array = new Uint8Array(0);
  private eof = false;
  /** The other side's greeting, once {@link handshake} read it. */
  peerGreeting: Uint8Array | null = null;

  /** Wraps an open connection. */
  constructor(readonly conn: Deno.Conn) {}

  /** Connects to `tcp://host:port`. */
  static async connect(endpoint: string): Promise<RawClient> {
    const host = endpoint.slice("tcp://".length, endpoint.lastIndexOf(":")).replace(/[[\]]/g, "");
    const conn = await Deno.connect({ hostname: host, port: tcpPort(endpoint) });
    return new RawClient(conn);
  }

  /** Writes every byte of each chunk. */
  async write(...chunks: Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) done += await this.conn.write(chunk.subarray(done));
    }
  }

  /** Reads exactly `n` bytes; throws if the connection ends first. */
  async readExact(n: number): Promise<Uint8Array> {
    while (this.buffer.length < n) {
      if (!(await this.fill())) throw new Error("connection closed");
    }
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Reads one frame, short or long. */
  async readFrame(): Promise<RawFrame> {
    const [flags] = await this.readExact(1);
    let size: number;
    if ((flags & LONG) !== 0) {
      size = Number(new DataView((await this.readExact(8)).buffer).getBigUint64(0));
    } else {
      size = (await this.readExact(1))[0];
    }
    return { flags, body: await this.readExact(size) };
  }

  /** Reads frames until a command named `name` arrives, and returns its data. */
  async readCommand(name: string): Promise<Uint8Array> {
    for (;;) {
      const cmd = commandOf(await this.readFrame());
      if (cmd !== null && cmd.name === name) return cmd.data;
    }
  }

  /** Reads one whole data message, skipping commands. */
  async readMessage(): Promise<Uint8Array[]> {
    const frames: Uint8Array[] = [];
    for (;;) {
      const f = await this.readFrame();
      if ((f.flags & COMMAND) !== 0) continue;
      frames.push(f.body);
      if ((f.flags & MORE) === 0) return frames;
    }
  }

  /**
   * Exchanges greetings and READYs: writes ours (ZMTP 3.`minor`, NULL),
   * reads theirs and their READY, then sends READY with `socketType`.
   */
  async handshake(socketType: string, minor = 1): Promise<void> {
    await this.write(greeting({ minor }));
    this.peerGreeting = await this.readExact(64);
    const readyFrame = commandOf(await this.readFrame());
    if (readyFrame?.name !== "READY") throw new Error(`expected READY, got ${readyFrame?.name}`);
    await this.write(ready(socketType));
  }

  /**
   * Resolves once the other side closed the connection (reading and
   * discarding what arrives meanwhile); rejects after `ms`.
   */
  async closedByPeer(ms = 5000): Promise<void> {
    await within(
      ms,
      (async () => {
        this.buffer = new Uint8Array(0);
        while (await this.fill()) this.buffer = new Uint8Array(0);
      })(),
      "the peer closing the connection",
    );
  }

  /** Closes our end (again: no effect). */
  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }

  /** Reads more bytes into the buffer; false at end of stream or on a reset. */
  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const chunk = new Uint8Array(64 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch (err) {
      if (err instanceof Deno.errors.ConnectionReset || err instanceof Deno.errors.BadResource) {
        n = null;
      } else throw err;
    }
    if (n === null) {
      this.eof = true;
      return false;
    }
    this.buffer = concat(this.buffer, chunk.subarray(0, n));
    return true;
  }
}

/** Number of open file descriptors of this process (Linux), for leak checks. */
export function openFileCount(): number {
  let count = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) count++;
  return count;
}
